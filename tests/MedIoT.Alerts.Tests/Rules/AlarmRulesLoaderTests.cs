using System.Text;
using System.Text.Json.Nodes;
using MedIoT.Alerts.News2;
using MedIoT.Alerts.Rules;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Rules;

public sealed class AlarmRulesLoaderTests
{
    [Fact]
    public void The_shipped_rules_file_loads_with_a_rule_for_every_NEWS2_vital()
    {
        var rules = AlarmRules.Parse(File.ReadAllBytes(AlarmTestRules.ShippedPath), AlarmTestRules.ShippedPath);

        foreach (var code in new[] { MdcCodes.OxygenSaturation, MdcCodes.PulseRateOximeter, MdcCodes.HeartRateEcg, MdcCodes.RespirationRate, MdcCodes.NoninvasiveSystolic, MdcCodes.BodyTemperature })
        {
            var rule = rules.VitalRuleFor(BedLocation.Parse("7A", "01"), code);
            Assert.NotNull(rule);
            Assert.NotEmpty(rule.Limits);
            Assert.All(rule.Limits, limit => Assert.False(string.IsNullOrWhiteSpace(limit.Source)));
        }

        Assert.Equal(7, rules.News2.Freshness.Count);
        Assert.Null(rules.News2.PriorityFor(News2ResponseBand.Low));
        Assert.Equal(AlarmPriority.Low, rules.News2.PriorityFor(News2ResponseBand.SingleParameter));
        Assert.Equal(AlarmPriority.Medium, rules.News2.PriorityFor(News2ResponseBand.Medium));
        Assert.Equal(AlarmPriority.High, rules.News2.PriorityFor(News2ResponseBand.High));
        Assert.True(rules.Lifecycle.LatchHighPriority);
        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180)], rules.Lifecycle.EscalationSteps(AlarmCategory.Physiological, AlarmPriority.High));
        Assert.Contains(rules.Technical.DeviceStatus, rule => rule.Status == DeviceStatus.SensorOff && rule.InvalidatesReadings);
        Assert.Empty(rules.BedOverrides);
        Assert.Equal(new BedExitRule(AlarmPriority.High, 0.5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 20, rules.BedExit.Source), rules.BedExit);
        Assert.Equal(AlarmPriority.Medium, rules.PatientCall.Priority);
        Assert.Equal((AlarmPriority.Medium, TimeSpan.FromSeconds(5)), (rules.Technical.SensorFault.Priority, rules.Technical.SensorFault.Persistence));
        Assert.All([rules.BedExit.Source, rules.PatientCall.Source, rules.Technical.SensorFault.Source], source => Assert.False(string.IsNullOrWhiteSpace(source)));
    }

    [Fact]
    public void A_fractional_bed_exit_sustain_is_allowed()
    {
        var rules = AlarmTestRules.Shipped(json => json["bedExit"]!["sustainSeconds"] = 0.6);

        Assert.Equal(TimeSpan.FromMilliseconds(600), rules.BedExit.Sustain);
    }

    [Fact]
    public void The_shipped_limits_sit_on_the_NEWS2_score_3_edges()
    {
        var rules = AlarmRules.Parse(File.ReadAllBytes(AlarmTestRules.ShippedPath), AlarmTestRules.ShippedPath);
        var bed = BedLocation.Parse("7A", "01");

        // A value that scores 3 on the NEWS2 chart violates the single-parameter limit; its neighbour does not.
        (int Code, double ScoresThree, double Neighbour)[] edges =
        [
            (MdcCodes.OxygenSaturation, 91, 92),
            (MdcCodes.PulseRateOximeter, 40, 41),
            (MdcCodes.PulseRateOximeter, 131, 130),
            (MdcCodes.RespirationRate, 8, 9),
            (MdcCodes.RespirationRate, 25, 24),
            (MdcCodes.NoninvasiveSystolic, 90, 91),
            (MdcCodes.NoninvasiveSystolic, 220, 219),
            (MdcCodes.BodyTemperature, 35.0, 35.1),
        ];
        foreach (var (code, scoresThree, neighbour) in edges)
        {
            var limits = rules.VitalRuleFor(bed, code)!.Limits;
            Assert.Contains(limits, limit => limit.IsViolatedBy(scoresThree));
            Assert.DoesNotContain(limits, limit => limit.IsViolatedBy(neighbour));
        }
    }

    public static TheoryData<string, Action<JsonObject>, string> BadFiles => new()
    {
        { "unknown priority", rules => Limit(rules, 0)["priority"] = "urgent", "$.vitals[0].limits[0].priority = \"urgent\": must be one of \"high\", \"medium\", \"low\"" },
        { "misspelt setting", rules => Limit(rules, 0)["persistenceSecond"] = 5, "$.vitals[0].limits[0].persistenceSecond = 5: is not a known setting" },
        { "both directions", rules => Limit(rules, 0)["above"] = 99, "$.vitals[0].limits[0] = " },
        { "unsupported code", rules => AlarmTestRules.Vital(rules, MdcCodes.OxygenSaturation)["mdcCode"] = 12345, "$.vitals[0].mdcCode = 12345: is not a supported IEEE 11073 code" },
        { "code twice", rules => AlarmTestRules.Vital(rules, MdcCodes.PulseRateOximeter)["mdcCode"] = MdcCodes.OxygenSaturation, "$.vitals[1].mdcCode = 150456: has a rule already" },
        { "urgent limit inside the less urgent one", rules => Limit(rules, 1)["below"] = 95, "$.vitals[0].limits[1].below = 95: must lie further out" },
        { "negative hysteresis", rules => Limit(rules, 0)["hysteresis"] = -1, "$.vitals[0].limits[0].hysteresis = -1: must be between 0 and" },
        { "persistence too long", rules => Limit(rules, 0)["persistenceSeconds"] = 7200, "$.vitals[0].limits[0].persistenceSeconds = 7200: must be between 0 and 3600" },
        { "fractional persistence", rules => Limit(rules, 0)["persistenceSeconds"] = 1.5, "persistenceSeconds = 1.5: must be a whole number" },
        { "missing source", rules => Limit(rules, 0).Remove("source"), "$.vitals[0].limits[0].source is missing" },
        { "threshold as text", rules => Limit(rules, 0)["below"] = "92", "$.vitals[0].limits[0].below = \"92\": must be a finite number" },
        { "band priorities falling", rules => rules["news2"]!["bandPriorities"]!["high"] = "low", "$.news2.bandPriorities.high = \"low\": must not be lower" },
        { "freshness missing", rules => rules["news2"]!["freshnessSeconds"]!.AsObject().Remove("pulse"), "$.news2.freshnessSeconds.pulse is missing" },
        { "escalation not ascending", rules => rules["lifecycle"]!["escalationSeconds"]!["physiological"]!["high"] = new JsonArray(180, 60), "$.lifecycle.escalationSeconds.physiological.high = [180,60]: must be ascending" },
        { "unknown status flag", rules => rules["technical"]!["deviceStatus"]![0]!["status"] = "SensorOf", "$.technical.deviceStatus[0].status = \"SensorOf\": must be one of" },
        { "backlog hysteresis too large", rules => rules["technical"]!["backlog"]!["clearHysteresis"] = 0.6, "$.technical.backlog.clearHysteresis = 0.6: must be below the lowest level" },
        { "bad ward in override", rules => rules["bedOverrides"] = Override("7 A", "01"), "$.bedOverrides[0].ward = \"7 A\": must be 1–32" },
        { "bed overridden twice", rules => rules["bedOverrides"] = new JsonArray(Override("7A", "01")[0]!.DeepClone(), Override("7A", "01")[0]!.DeepClone()), "$.bedOverrides[1] = " },
        { "version 2", rules => rules["version"] = 2, "$.version = 2: must be between 1 and 1" },
        { "bed-exit share of 1", rules => rules["bedExit"]!["loadShare"] = 1, "$.bedExit.loadShare = 1: must be between 0.05 and 0.95" },
        { "bed-exit settle of 0 s", rules => rules["bedExit"]!["settleSeconds"] = 0, "$.bedExit.settleSeconds = 0: must be between 1 and 600" },
        { "bed-exit sustain as text", rules => rules["bedExit"]!["sustainSeconds"] = "1", "$.bedExit.sustainSeconds = \"1\": must be a finite number" },
        { "bed-exit minimum weight missing", rules => rules["bedExit"]!.AsObject().Remove("minimumSettledKilograms"), "$.bedExit.minimumSettledKilograms is missing" },
        { "bed exit missing", rules => rules.Remove("bedExit"), "$.bedExit is missing" },
        { "patient-call priority unknown", rules => rules["patientCall"]!["priority"] = "urgent", "$.patientCall.priority = \"urgent\": must be one of" },
        { "sensor-fault persistence too long", rules => rules["technical"]!["sensorFault"]!["persistenceSeconds"] = 4000, "$.technical.sensorFault.persistenceSeconds = 4000: must be between 0 and 3600" },
        { "sensor fault misspelt", rules => rules["technical"]!["sensorFault"]!["persistence"] = 5, "$.technical.sensorFault.persistence = 5: is not a known setting" },
        { "unknown top-level section", rules => rules["alarms"] = new JsonObject(), "$.alarms = {}: is not a known setting here" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_mistake_names_the_file_the_path_and_the_value(string mistake, Action<JsonObject> edit, string expected)
    {
        var exception = Assert.Throws<InvalidDataException>(() => AlarmTestRules.Shipped(edit));

        Assert.True(exception.Message.Contains("test-rules.json", StringComparison.Ordinal), mistake);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_JSON_is_refused_with_the_file_name()
    {
        var exception = Assert.Throws<InvalidDataException>(() => AlarmRules.Parse(Encoding.UTF8.GetBytes("{ \"version\": "), "broken.json"));

        Assert.Contains("'broken.json' are not valid JSON", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bed_override_replaces_the_ward_rule_for_that_bed_only()
    {
        var rules = AlarmTestRules.Shipped(json => json["bedOverrides"] = Override("7A", "02"));

        Assert.Equal(88, rules.VitalRuleFor(BedLocation.Parse("7A", "02"), MdcCodes.OxygenSaturation)!.Limits.Single().Threshold);
        Assert.Equal(2, rules.VitalRuleFor(BedLocation.Parse("7A", "01"), MdcCodes.OxygenSaturation)!.Limits.Count);
        Assert.Equal(3, rules.VitalRuleFor(BedLocation.Parse("7A", "02"), MdcCodes.PulseRateOximeter)!.Limits.Count);
    }

    /// <summary>A scale-2 patient's override: SpO2 alarms only below 88 %.</summary>
    internal static JsonArray Override(string ward, string bed) => JsonNode.Parse($$"""
        [ { "ward": "{{ward}}", "bed": "{{bed}}", "reason": "NEWS2 scale 2 patient, target 88-92 %",
            "vitals": [ { "name": "SpO2", "mdcCode": 150456,
              "limits": [ { "below": 88, "priority": "medium", "persistenceSeconds": 15, "hysteresis": 2, "source": "prescribed target 88-92 %" } ] } ] } ]
        """)!.AsArray();

    private static JsonObject Limit(JsonObject rules, int index) =>
        AlarmTestRules.Vital(rules, MdcCodes.OxygenSaturation)["limits"]![index]!.AsObject();
}
