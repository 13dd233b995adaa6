using MedIoT.Alerts.News2;
using MedIoT.Alerts.Physiological;
using MedIoT.Alerts.Staff;
using MedIoT.Alerts.Technical;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Alerts.Tests.Scenarios;

/// <summary>Plays every scenario of configs/scenarios/ with the simulator's player through the engine with the shipped rules on a fake clock.</summary>
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
    public async Task Each_scenario_raises_exactly_its_expected_alarms(string file)
    {
        var scenario = Scenario.Load(Path.Combine(RepositoryLayout.Configs, "scenarios", file));
        var ward = new Ward(AlarmTestRules.Shipped());
        var start = ward.Now;

        await ScenarioPlayer.PlayAsync(scenario, new EngineSink(scenario, ward), CancellationToken.None);

        var raised = ward.Of(AlarmEventKind.Raised).ToList();
        Assert.Equal(
            scenario.ExpectedAlarms.Select(expected => expected.Condition).Order(StringComparer.Ordinal),
            raised.Select(e => e.Alarm.Condition.Key).Order(StringComparer.Ordinal));
        foreach (var expected in scenario.ExpectedAlarms)
        {
            var alarm = raised.Single(e => e.Alarm.Condition.Key == expected.Condition);
            var highest = ward.Events.Where(e => e.Alarm.AlarmId == alarm.Alarm.AlarmId).Max(e => e.Alarm.Priority);
            Assert.Equal((expected.Condition, expected.HighestPriority), (expected.Condition, highest.ToString().ToLowerInvariant()));
            Assert.Equal(BedLocation.Parse(scenario.Ward, scenario.Bed), alarm.Alarm.Bed);
            if (expected.RaisedAtSecond is { } second)
            {
                Assert.Equal((expected.Condition, second), (expected.Condition, (int)(alarm.At - start).TotalSeconds));
            }
        }
    }

    /// <summary>The shared player's inputs go straight into the engine; each second ends with a tick, then the clock moves on.</summary>
    private sealed class EngineSink(Scenario scenario, Ward ward) : IScenarioSink
    {
        private readonly BedLocation _bed = BedLocation.Parse(scenario.Ward, scenario.Bed);

        public Task RecordStaffAsync(StaffEntry entry, CancellationToken cancellationToken)
        {
            var accepted = entry.Consciousness is { } level
                ? ward.Send(new ConsciousnessRecorded(_bed, Enum.Parse<Consciousness>(level), StaffId.Parse(entry.StaffId), ward.Now))
                : ward.Send(new SupplementalOxygenRecorded(_bed, entry.OnOxygen!.Value, StaffId.Parse(entry.StaffId), ward.Now));
            Assert.Equal(AlarmInputRejection.None, accepted);
            return Task.CompletedTask;
        }

        public Task PublishAsync(string deviceId, int second, IReadOnlyList<(int Code, double Value)> readings, DeviceStatus? status, CancellationToken cancellationToken)
        {
            // As the alert service takes a frame: its status first, then its readings.
            if (status is { } reported)
            {
                Assert.Equal(AlarmInputRejection.None, ward.Send(new DeviceStatusReport(_bed, deviceId, reported)));
            }

            foreach (var (code, value) in readings)
            {
                Assert.Equal(AlarmInputRejection.None, ward.Send(new VitalReading(_bed, deviceId, code, value, ward.Now, ward.Now)));
            }

            return Task.CompletedTask;
        }

        public Task EndSecondAsync(int second, CancellationToken cancellationToken)
        {
            ward.Engine.Tick(ward.Now, ward.Events);
            ward.Clock.Advance(TimeSpan.FromSeconds(1));
            return Task.CompletedTask;
        }
    }
}
