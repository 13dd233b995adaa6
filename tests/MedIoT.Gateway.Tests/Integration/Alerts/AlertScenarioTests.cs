using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedIoT.FirmwareSim;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;

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
        await using var gateway = await ward.StartGatewayAsync(devices: scenario.DeviceIds);
        await using var station = await gateway.ConnectStationAsync("alerts/#");

        var start = await GatewayScenarioSink.PlayAsync(gateway, scenario);
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

    /// <summary>
    /// The real <c>mediot-sim</c> commands: <c>provision --scenario</c> makes the registry the gateway loads, then
    /// <c>scenario --speed 20</c> plays the scenario on the wall clock through mosquitto. The gateway's alert clock runs
    /// 20 times faster (starting behind the frames' stamps, so it takes the arrival time as each sample's time), so
    /// the scenario's minutes take seconds and the station sees exactly the scenario's alarms at their priorities.
    /// Sensor-off's status windows travel in the frames' "status" member and raise only the technical alarm.
    /// </summary>
    [Theory]
    [InlineData("desaturation.json")]
    [InlineData("sensor-off.json")]
    public async Task The_simulator_plays_the_scenario_sped_up_and_the_gateway_publishes_its_alarms(string file)
    {
        const double Speed = 20;
        var scenarioPath = AlertWardFixture.ScenarioPath(file);
        using var folder = TemporaryDirectory.Create("sim-scenario-ward");
        Assert.Equal(0, await SimulatorCommands.Create().Parse(["provision", "--output", folder.Path, "--beds", "1", "--scenario", scenarioPath]).InvokeAsync());
        // The scenario's device ids are the fixture's too: their accounts now get this folder's passwords, and get the fixture's
        // back at the end.
        await ward.Mosquitto.AddAccountsAsync(folder.Combine(BrokerAccounts.PasswordFileName));
        try
        {
            await PlayProvisionedScenarioAsync(folder, scenarioPath, Speed);
        }
        finally
        {
            await ward.Mosquitto.AddAccountsAsync(ward.BrokerPasswordFile);
        }
    }

    private async Task PlayProvisionedScenarioAsync(TemporaryDirectory folder, string scenarioPath, double speed)
    {
        var scenario = Scenario.Load(scenarioPath);

        // Only the scenario's devices: the gateway watches every registered device from its start, and the ward's own
        // oximeter (--beds 1) sends nothing here.
        var registry = JsonNode.Parse(await File.ReadAllTextAsync(folder.Combine("devices.json")))!;
        var devices = registry["devices"]!.AsArray();
        foreach (var device in devices.Where(device => !scenario.DeviceIds.Contains(device!["deviceId"]!.GetValue<string>())).ToList())
        {
            devices.Remove(device);
        }

        await File.WriteAllTextAsync(folder.Combine("devices.json"), registry.ToJsonString());
        // The gateway watches its devices from its start: at this speed the shipped 30 s of silence are 1.5 s of real time, less
        // than a loaded machine may take to start the simulator's scenario; 600 s (30 s real) is silence no scenario here has.
        var rules = JsonNode.Parse(
            await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Configs, "alert-rules.json")),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        rules["technical"]!["deviceSilent"]!["afterSeconds"] = 600;
        await File.WriteAllTextAsync(folder.Combine("alert-rules.json"), rules.ToJsonString());
        var clock = new ScaledTimeProvider(speed, behind: TimeSpan.FromHours(1));
        await using var gateway = await ward.StartGatewayAsync(
            new Dictionary<string, string>
            {
                ["Gateway:DeviceRegistryPath"] = folder.Combine("devices.json"),
                ["Gateway:Alerts:RulesPath"] = folder.Combine("alert-rules.json"),
            },
            clock);
        await using var station = await gateway.ConnectStationAsync("alerts/#");

        var exitCode = await SimulatorCommands.Create().Parse(
        [
            "scenario", scenarioPath, "--ward-folder", folder.Path, "--port", ward.Mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            "--gateway-url", gateway.Http.BaseAddress!.ToString(), "--speed", speed.ToString(CultureInfo.InvariantCulture),
        ]).InvokeAsync();

        Assert.Equal(0, exitCode);
        await gateway.Alerts.WaitUntilAsync(s => s.FramesProcessed >= scenario.DurationSeconds + 1, TimeSpan.FromSeconds(20));
        await station.WaitUntilAsync(s => s.Events.Count >= gateway.Alerts.AlarmEvents, TimeSpan.FromSeconds(20), "every alarm event");
        var events = station.Events;
        var raised = events.Where(message => message.Event == "raised").ToList();
        Assert.Equal(
            scenario.ExpectedAlarms.Select(expected => expected.Condition).Order(StringComparer.Ordinal),
            raised.Select(message => message.Condition).Order(StringComparer.Ordinal));
        foreach (var expected in scenario.ExpectedAlarms)
        {
            var alarm = raised.Single(message => message.Condition == expected.Condition);
            var highest = events.Where(message => message.AlarmId == alarm.AlarmId).Max(message => Rank(message.Priority));
            Assert.Equal((expected.Condition, Rank(expected.HighestPriority)), (expected.Condition, highest));
        }

        // Every status window closes before the end: the frame that reports the cleared status resolves its alarm.
        foreach (var alarm in raised.Where(message => message.Condition.StartsWith("device-status/", StringComparison.Ordinal)))
        {
            Assert.Contains(events, message => message.AlarmId == alarm.AlarmId && message.Event == "resolved");
        }

        Assert.Equal(scenario.DurationSeconds + 1, gateway.Ingestion.Accepted);
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
