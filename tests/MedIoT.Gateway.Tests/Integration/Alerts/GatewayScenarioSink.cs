using System.Net;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Plays a scenario of configs/scenarios/ with the simulator's <see cref="ScenarioPlayer"/> through a running gateway
/// on its fake alert clock: staff entries over the HTTP API, one signed frame per device through the broker, carrying
/// the device's status in its "status" member for a device with status windows. The 1 s tick falls half-way between two seconds, after that second's inputs,
/// as in the engine's scenario test.
/// </summary>
internal sealed class GatewayScenarioSink(AlertGateway gateway, Scenario scenario) : IScenarioSink
{
    /// <summary>Plays <paramref name="scenario"/>; returns the moment of its second 0.</summary>
    public static async Task<DateTimeOffset> PlayAsync(AlertGateway gateway, Scenario scenario)
    {
        // The tick timer fires at whole seconds after Origin; second 0 starts half a second later.
        await gateway.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var start = gateway.Clock.GetUtcNow();
        await ScenarioPlayer.PlayAsync(scenario, new GatewayScenarioSink(gateway, scenario), CancellationToken.None);
        return start;
    }

    public async Task RecordStaffAsync(StaffEntry entry, CancellationToken cancellationToken)
    {
        using var response = entry.Consciousness is { } level
            ? await gateway.ObserveAsync(scenario.Ward, scenario.Bed, new { consciousness = level }, entry.StaffId)
            : await gateway.ObserveAsync(scenario.Ward, scenario.Bed, new { onOxygen = entry.OnOxygen!.Value }, entry.StaffId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public Task PublishAsync(string deviceId, int second, IReadOnlyList<(int Code, double Value)> readings, DeviceStatus? status, CancellationToken cancellationToken) =>
        gateway.PublishAsync(deviceId, gateway.Clock.GetUtcNow(), readings, status);

    public async Task EndSecondAsync(int second, CancellationToken cancellationToken)
    {
        await gateway.WaitForFramesAsync();
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
    }
}
