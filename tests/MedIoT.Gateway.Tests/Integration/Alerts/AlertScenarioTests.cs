using MedIoT.Gateway.Tests.Alerts.Scenarios;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Every scenario of configs/scenarios/ played through a whole gateway (real mosquitto, real signed frames, the HTTP
/// API for staff entries) on a fake alert clock: a station subscribed to the gateway's alarm topics receives exactly
/// the scenario's expected alarms, at the expected second and highest priority, and no others.
/// </summary>
public sealed class AlertScenarioTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    public static TheoryData<string> Files() => new(AlertWardFixture.ScenarioFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Each_scenario_publishes_exactly_its_expected_alarms_over_mqtt(string file)
    {
        var scenario = Scenario.Load(AlertWardFixture.ScenarioPath(file));
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync();

        var start = await ScenarioPlayer.PlayAsync(gateway, scenario);
        await station.WaitUntilAsync(s => s.Events.Count >= gateway.Alerts.AlarmEvents, TimeSpan.FromSeconds(20), "every alarm event");

        var events = station.Events;
        Assert.Equal(gateway.Alerts.AlarmEvents, events.Count);
        Assert.All(events, message => Assert.Equal($"{gateway.TopicPrefix}/alerts/{scenario.Ward}/{scenario.Bed}/events", message.Topic));
        var raised = events.Where(message => message.Event == "raised").ToList();
        Assert.Equal(
            scenario.ExpectedAlarms.Select(expected => expected.Condition).Order(StringComparer.Ordinal),
            raised.Select(message => message.Condition).Order(StringComparer.Ordinal));
        foreach (var expected in scenario.ExpectedAlarms)
        {
            var alarm = raised.Single(message => message.Condition == expected.Condition);
            var highest = events.Where(message => message.AlarmId == alarm.AlarmId).Max(message => Rank(message.Priority));
            Assert.Equal((expected.Condition, Rank(expected.HighestPriority)), (expected.Condition, highest));
            if (expected.RaisedAtSecond is { } second)
            {
                Assert.Equal((expected.Condition, second), (expected.Condition, (int)(alarm.At - start).TotalSeconds));
            }
        }

        Assert.Equal(0, gateway.Alerts.FeedRefused);
        gateway.Logs.AssertNoErrors();
    }

    private static int Rank(string priority) => priority switch
    {
        "low" => 1,
        "medium" => 2,
        "high" => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "not a priority"),
    };
}
