using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Alerts.News2;
using MedIoT.Gateway.Alerts.Physiological;
using MedIoT.Gateway.Alerts.Staff;
using MedIoT.Gateway.Alerts.Technical;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Alerts.Scenarios;

/// <summary>Plays every scenario of configs/scenarios/ through the engine with the shipped rules on a fake clock.</summary>
public sealed class ScenarioTests
{
    public static TheoryData<string> ScenarioFiles() => new(Files());

    private static IEnumerable<string> Files() =>
        Directory.GetFiles(Path.Combine(RepositoryLayout.Configs, "scenarios"), "*.json").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal);

    [Fact]
    public void The_issue_s_six_scenarios_are_shipped()
    {
        Assert.Equal(
            ["bradycardia.json", "desaturation.json", "device-silent.json", "sensor-off.json", "sepsis.json", "single-sample-artifact.json"],
            Files());
    }

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public void Each_scenario_raises_exactly_its_expected_alarms(string file)
    {
        var scenario = Scenario.Load(Path.Combine(RepositoryLayout.Configs, "scenarios", file));
        var ward = new Ward(AlertTestRules.Shipped());
        var start = ward.Now;

        Play(scenario, ward);

        var raised = ward.Of(AlarmEventKind.Raised).ToList();
        Assert.Equal(
            scenario.ExpectedAlarms.Select(expected => expected.Condition).Order(StringComparer.Ordinal),
            raised.Select(e => e.Alarm.Condition.Key).Order(StringComparer.Ordinal));
        foreach (var expected in scenario.ExpectedAlarms)
        {
            var alarm = raised.Single(e => e.Alarm.Condition.Key == expected.Condition);
            var highest = ward.Events.Where(e => e.Alarm.AlarmId == alarm.Alarm.AlarmId).Max(e => e.Alarm.Priority);
            Assert.Equal((expected.Condition, expected.HighestPriority), (expected.Condition, highest.ToString().ToLowerInvariant()));
            Assert.Equal(new BedLocation(scenario.Ward, scenario.Bed), alarm.Alarm.Bed);
            if (expected.RaisedAtSecond is { } second)
            {
                Assert.Equal((expected.Condition, second), (expected.Condition, (int)(alarm.At - start).TotalSeconds));
            }
        }
    }

    private static void Play(Scenario scenario, Ward ward)
    {
        var bed = new BedLocation(scenario.Ward, scenario.Bed);
        for (var second = 0; second <= scenario.DurationSeconds; second++)
        {
            foreach (var entry in scenario.Staff.Where(entry => entry.AtSecond == second))
            {
                var accepted = entry.Consciousness is { } level
                    ? ward.Send(new ConsciousnessRecorded(bed, Enum.Parse<Consciousness>(level), entry.StaffId, ward.Now))
                    : ward.Send(new SupplementalOxygenRecorded(bed, entry.OnOxygen!.Value, entry.StaffId, ward.Now));
                Assert.Equal(AlertInputRejection.None, accepted);
            }

            // A device with status windows reports its status every second it is not silent (flags only inside a window).
            foreach (var device in scenario.DeviceStatus.Select(window => window.DeviceId).Distinct())
            {
                if (!IsSilent(scenario, device, second))
                {
                    var status = scenario.DeviceStatus
                        .Where(window => window.DeviceId == device && second >= window.FromSecond && second < window.ToSecond)
                        .SelectMany(window => window.Status)
                        .Aggregate(DeviceStatus.None, (flags, name) => flags | Enum.Parse<DeviceStatus>(name));
                    Assert.Equal(AlertInputRejection.None, ward.Send(new DeviceStatusReport(bed, device, status)));
                }
            }

            foreach (var track in scenario.Tracks.Where(track => second % track.IntervalSeconds == 0 && !IsSilent(scenario, track.DeviceId, second)))
            {
                Assert.Equal(AlertInputRejection.None, ward.Send(new VitalReading(bed, track.DeviceId, track.MdcCode, track.ValueAt(second), ward.Now, ward.Now)));
            }

            ward.Engine.Tick(ward.Now, ward.Events);
            ward.Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static bool IsSilent(Scenario scenario, string deviceId, int second) =>
        scenario.Silences.Any(silence => silence.DeviceId == deviceId && second >= silence.FromSecond && second < silence.ToSecond);
}
