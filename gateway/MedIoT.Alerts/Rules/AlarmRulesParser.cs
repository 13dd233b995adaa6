using System.Collections.Frozen;
using System.Numerics;
using System.Text.Json;
using MedIoT.Alerts.News2;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Rules;

/// <summary>Reads <c>configs/alert-rules.json</c> (format in docs/alerts.md) strictly into <see cref="AlarmRules"/>.</summary>
internal static class AlarmRulesParser
{
    private const int MaxSourceLength = 500;
    private const int MaxPersistenceSeconds = 3600;

    private static readonly FrozenDictionary<string, AlarmPriority> s_priorities = new Dictionary<string, AlarmPriority>
    {
        ["high"] = AlarmPriority.High,
        ["medium"] = AlarmPriority.Medium,
        ["low"] = AlarmPriority.Low,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // "none": the band raises no alarm. Zero is never a valid AlarmPriority, so it stands for "none" until mapped.
    private static readonly FrozenDictionary<string, AlarmPriority> s_prioritiesOrNone = new Dictionary<string, AlarmPriority>
    {
        ["high"] = AlarmPriority.High,
        ["medium"] = AlarmPriority.Medium,
        ["low"] = AlarmPriority.Low,
        ["none"] = 0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, TrendDirection> s_trends = new Dictionary<string, TrendDirection>
    {
        ["falling"] = TrendDirection.Falling,
        ["rising"] = TrendDirection.Rising,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, DeviceStatus> s_statusFlags = Enum.GetValues<DeviceStatus>()
        .Where(flag => BitOperations.IsPow2((int)flag))
        .ToFrozenDictionary(flag => flag.ToString(), StringComparer.Ordinal);

    private static readonly (string Name, News2Parameter Parameter)[] s_freshnessNames =
    [
        ("respirationRate", News2Parameter.RespirationRate),
        ("oxygenSaturation", News2Parameter.OxygenSaturation),
        ("airOrOxygen", News2Parameter.AirOrOxygen),
        ("systolicBloodPressure", News2Parameter.SystolicBloodPressure),
        ("pulse", News2Parameter.Pulse),
        ("consciousness", News2Parameter.Consciousness),
        ("temperature", News2Parameter.Temperature),
    ];

    private static readonly (string Name, News2ResponseBand Band)[] s_bandNames =
    [
        ("low", News2ResponseBand.Low),
        ("singleParameter", News2ResponseBand.SingleParameter),
        ("medium", News2ResponseBand.Medium),
        ("high", News2ResponseBand.High),
    ];

    private static readonly (string Name, AlarmCategory Category)[] s_categoryNames =
    [
        ("physiological", AlarmCategory.Physiological),
        ("technical", AlarmCategory.Technical),
        ("security", AlarmCategory.Security),
    ];

    public static AlarmRules Parse(ReadOnlySpan<byte> utf8Json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions
            {
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = 16,
            });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Alert rules '{source}' are not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            var root = RuleObject.Open(document.RootElement, "$", source,
                "version", "vitals", "news2", "bedExit", "patientCall", "technical", "security", "lifecycle", "bedOverrides");
            if (root.Integer("version", 1, 1) != 1)
            {
                throw root.Fail("version", "must be 1.");
            }

            var vitals = ReadVitals(root, "vitals", source, required: true);
            var news2 = ReadNews2(root.Object("news2", "freshnessSeconds", "bandPriorities", "persistenceSeconds", "clearDelaySeconds", "source"));
            var bedExit = ReadBedExit(root.Object("bedExit", "priority", "loadShare", "sustainSeconds", "settleSeconds", "minimumSettledKilograms", "source"));
            var patientCallElement = root.Object("patientCall", "priority", "source");
            var patientCall = new PatientCallRule(patientCallElement.Choice("priority", s_priorities), patientCallElement.Text("source", MaxSourceLength));
            var technical = ReadTechnical(root.Object("technical", "deviceSilent", "deviceStatus", "serialPortDisconnected", "backlog", "sensorFault"), source);
            var securityElement = root.Object("security", "priority", "repeatIntervalSeconds", "source");
            var security = new SecurityRules(
                securityElement.Choice("priority", s_priorities),
                securityElement.Has("repeatIntervalSeconds")
                    ? securityElement.Seconds("repeatIntervalSeconds", SecurityRules.MaxRepeatIntervalSeconds, minimumSeconds: 1)
                    : SecurityRules.DefaultRepeatInterval,
                securityElement.Text("source", MaxSourceLength));
            var lifecycle = ReadLifecycle(root.Object("lifecycle", "latchHighPriority", "escalationSeconds", "source"));
            var overrides = new List<BedOverride>();
            var overriddenBeds = new HashSet<BedLocation>();
            foreach (var (element, path) in root.Array("bedOverrides", required: false, maxCount: 1024))
            {
                var entry = RuleObject.Open(element, path, source, "ward", "bed", "reason", "vitals");
                var bed = new BedLocation(Place<WardId>(entry, "ward", WardId.TryCreate), Place<BedId>(entry, "bed", BedId.TryCreate));
                if (!overriddenBeds.Add(bed))
                {
                    throw entry.FailHere($"bed {bed} has a second override; merge them into one entry.");
                }

                overrides.Add(new BedOverride(bed, ReadVitals(entry, "vitals", source, required: true), entry.Text("reason", MaxSourceLength)));
            }

            return new AlarmRules(vitals, news2, technical, security, lifecycle, overrides, bedExit, patientCall);
        }
    }

    private delegate bool PlaceParser<TPlace>(string? text, out TPlace place);

    private static TPlace Place<TPlace>(RuleObject entry, string name, PlaceParser<TPlace> parse) =>
        parse(entry.Text(name, 32), out var place) ? place : throw entry.Fail(name, "must be 1–32 of A–Z a–z 0–9 . _ - (as in the device registry).");

    private static List<VitalRule> ReadVitals(RuleObject parent, string name, string source, bool required)
    {
        var vitals = new List<VitalRule>();
        foreach (var (element, path) in parent.Array(name, required, maxCount: 64))
        {
            var vital = RuleObject.Open(element, path, source, "name", "mdcCode", "limits", "ratesOfChange");
            var code = vital.Integer("mdcCode", 1, int.MaxValue);
            if (!MdcCodes.TryGetUnit(code, out _))
            {
                throw vital.Fail("mdcCode", $"is not a supported IEEE 11073 code; supported: {string.Join(", ", MdcCodes.All)} (MdcCodes).");
            }

            if (vitals.Any(existing => existing.MdcCode == code))
            {
                throw vital.Fail("mdcCode", "has a rule already in this list; give each code one rule.");
            }

            var limits = new List<VitalLimit>();
            foreach (var (limitElement, limitPath) in vital.Array("limits", required: false, maxCount: 8))
            {
                var limit = RuleObject.Open(limitElement, limitPath, source, "below", "above", "priority", "persistenceSeconds", "hysteresis", "source");
                if (limit.Has("below") == limit.Has("above"))
                {
                    throw limit.FailHere("must have exactly one of \"below\" (a lower limit) and \"above\" (an upper limit).");
                }

                var direction = limit.Has("below") ? LimitDirection.Below : LimitDirection.Above;
                var thresholdName = direction == LimitDirection.Below ? "below" : "above";
                var parsed = new VitalLimit(
                    direction,
                    limit.Number(thresholdName, -1_000_000, 1_000_000),
                    limit.Choice("priority", s_priorities),
                    limit.Seconds("persistenceSeconds", MaxPersistenceSeconds),
                    limit.Number("hysteresis", 0, 1_000_000),
                    limit.Text("source", MaxSourceLength));
                foreach (var other in limits.Where(other => other.Direction == direction))
                {
                    if (other.Priority == parsed.Priority)
                    {
                        throw limit.Fail("priority", $"is used twice for \"{thresholdName}\" limits of code {code}; one limit per priority and direction.");
                    }

                    // A more urgent limit must lie further out, or the less urgent one could never alarm alone.
                    var furtherOut = direction == LimitDirection.Below ? parsed.Threshold < other.Threshold : parsed.Threshold > other.Threshold;
                    if (furtherOut != parsed.Priority > other.Priority)
                    {
                        throw limit.Fail(thresholdName, $"must lie further out than every less urgent \"{thresholdName}\" limit of code {code} (and inside every more urgent one).");
                    }
                }

                limits.Add(parsed);
            }

            var rates = new List<RateOfChangeRule>();
            foreach (var (rateElement, ratePath) in vital.Array("ratesOfChange", required: false, maxCount: 2))
            {
                var rate = RuleObject.Open(rateElement, ratePath, source, "direction", "change", "withinSeconds", "priority", "persistenceSeconds", "source");
                var parsed = new RateOfChangeRule(
                    rate.Choice("direction", s_trends),
                    rate.Number("change", 0.001, 1_000_000),
                    rate.Seconds("withinSeconds", MaxPersistenceSeconds, minimumSeconds: 1),
                    rate.Choice("priority", s_priorities),
                    rate.Seconds("persistenceSeconds", MaxPersistenceSeconds),
                    rate.Text("source", MaxSourceLength));
                if (rates.Any(other => other.Direction == parsed.Direction))
                {
                    throw rate.Fail("direction", "is used twice; one rate-of-change rule per direction.");
                }

                rates.Add(parsed);
            }

            vitals.Add(new VitalRule(vital.Text("name", 64), code, limits, rates));
        }

        return vitals;
    }

    private static News2Rules ReadNews2(RuleObject news2)
    {
        var freshnessObject = news2.Object("freshnessSeconds", s_freshnessNames.Select(entry => entry.Name).ToArray());
        var freshness = s_freshnessNames.ToDictionary(
            entry => entry.Parameter,
            entry => freshnessObject.Seconds(entry.Name, 86_400, minimumSeconds: 1));
        var bandObject = news2.Object("bandPriorities", s_bandNames.Select(entry => entry.Name).ToArray());
        var bands = new Dictionary<News2ResponseBand, AlarmPriority>();
        AlarmPriority previous = 0;
        foreach (var (name, band) in s_bandNames)
        {
            var priority = bandObject.Choice(name, s_prioritiesOrNone);
            if (priority < previous)
            {
                throw bandObject.Fail(name, "must not be lower than the priority of a less urgent band (order: low, singleParameter, medium, high).");
            }

            previous = priority;
            if (priority != 0)
            {
                bands[band] = priority;
            }
        }

        return new News2Rules(
            freshness.ToFrozenDictionary(),
            bands.ToFrozenDictionary(),
            news2.Seconds("persistenceSeconds", MaxPersistenceSeconds),
            news2.Seconds("clearDelaySeconds", MaxPersistenceSeconds),
            news2.Text("source", MaxSourceLength));
    }

    private static TechnicalRules ReadTechnical(RuleObject technical, string source)
    {
        var silent = technical.Object("deviceSilent", "afterSeconds", "priority", "source");
        var deviceSilent = new DeviceSilentRule(
            silent.Seconds("afterSeconds", MaxPersistenceSeconds, minimumSeconds: 1),
            silent.Choice("priority", s_priorities),
            silent.Text("source", MaxSourceLength));

        var statusRules = new List<DeviceStatusRule>();
        foreach (var (element, path) in technical.Array("deviceStatus", required: true, maxCount: 16))
        {
            var entry = RuleObject.Open(element, path, source, "status", "priority", "persistenceSeconds", "invalidatesReadings", "source");
            var rule = new DeviceStatusRule(
                entry.Choice("status", s_statusFlags),
                entry.Choice("priority", s_priorities),
                entry.Seconds("persistenceSeconds", MaxPersistenceSeconds),
                entry.Boolean("invalidatesReadings"),
                entry.Text("source", MaxSourceLength));
            if (statusRules.Any(other => other.Status == rule.Status))
            {
                throw entry.Fail("status", "has a rule already; one rule per status flag.");
            }

            statusRules.Add(rule);
        }

        var serial = technical.Object("serialPortDisconnected", "priority", "persistenceSeconds", "source");
        var serialRule = new SerialPortRule(serial.Choice("priority", s_priorities), serial.Seconds("persistenceSeconds", MaxPersistenceSeconds), serial.Text("source", MaxSourceLength));

        var backlog = technical.Object("backlog", "levels", "clearHysteresis", "source");
        var levels = new List<BacklogLevel>();
        foreach (var (element, path) in backlog.Array("levels", required: true, maxCount: 3))
        {
            var entry = RuleObject.Open(element, path, source, "atFraction", "priority");
            var level = new BacklogLevel(entry.Number("atFraction", 0.01, 1), entry.Choice("priority", s_priorities));
            if (levels.Count > 0 && (level.AtFraction <= levels[^1].AtFraction || level.Priority < levels[^1].Priority))
            {
                throw entry.FailHere("levels must have ascending fractions and priorities that do not fall.");
            }

            levels.Add(level);
        }

        var hysteresis = backlog.Number("clearHysteresis", 0, 1);
        if (levels.Count > 0 && hysteresis >= levels[0].AtFraction)
        {
            throw backlog.Fail("clearHysteresis", "must be below the lowest level's atFraction, or that level could never clear.");
        }

        var sensor = technical.Object("sensorFault", "priority", "persistenceSeconds", "source");
        var sensorRule = new SensorFaultRule(sensor.Choice("priority", s_priorities), sensor.Seconds("persistenceSeconds", MaxPersistenceSeconds), sensor.Text("source", MaxSourceLength));
        return new TechnicalRules(deviceSilent, statusRules, serialRule, new BacklogRule(levels, hysteresis, backlog.Text("source", MaxSourceLength)), sensorRule);
    }

    private static BedExitRule ReadBedExit(RuleObject bedExit) =>
        new(
            bedExit.Choice("priority", s_priorities),
            bedExit.Number("loadShare", 0.05, 0.95),
            TimeSpan.FromSeconds(bedExit.Number("sustainSeconds", 0, 60)),
            bedExit.Seconds("settleSeconds", 600, minimumSeconds: 1),
            bedExit.Number("minimumSettledKilograms", 1, 400),
            bedExit.Text("source", MaxSourceLength));

    private static LifecycleRules ReadLifecycle(RuleObject lifecycle)
    {
        var escalationObject = lifecycle.Object("escalationSeconds", s_categoryNames.Select(entry => entry.Name).ToArray());
        var escalation = new Dictionary<(AlarmCategory, AlarmPriority), IReadOnlyList<TimeSpan>>();
        foreach (var (categoryName, category) in s_categoryNames)
        {
            var perPriority = escalationObject.Object(categoryName, "high", "medium", "low");
            foreach (var (priorityName, priority) in s_priorities)
            {
                var steps = new List<TimeSpan>();
                foreach (var (element, path) in perPriority.Array(priorityName, required: true, maxCount: 5))
                {
                    if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var seconds) || seconds < 1 || seconds > 86_400)
                    {
                        throw perPriority.Fail(priorityName, $"{path} must be a whole number of seconds, 1–86400.");
                    }

                    if (steps.Count > 0 && TimeSpan.FromSeconds(seconds) <= steps[^1])
                    {
                        throw perPriority.Fail(priorityName, "must be ascending: each step comes after the one before.");
                    }

                    steps.Add(TimeSpan.FromSeconds(seconds));
                }

                escalation[(category, priority)] = steps;
            }
        }

        return new LifecycleRules(lifecycle.Boolean("latchHighPriority"), escalation.ToFrozenDictionary(), lifecycle.Text("source", MaxSourceLength));
    }
}
