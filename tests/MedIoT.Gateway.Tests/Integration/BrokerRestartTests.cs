using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>The gateway rides out a broker restart: it reconnects, resubscribes, and keeps storing frames.</summary>
public sealed class BrokerRestartTests(GatewayFixture ward) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_mosquitto_restarts_the_gateway_reconnects_and_frames_keep_arriving()
    {
        var frames = new List<DeviceFrame>();
        await using (var device = await ward.ConnectDeviceAsync(1))
        {
            frames.Add(await device.PublishNextAsync(CancellationToken.None));
            await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= 2, s_timeout);
        }

        var subscriptionsBefore = ward.Statistics.Subscriptions;
        await ward.Mosquitto.RestartAsync();
        await ward.Statistics.WaitUntilAsync(s => s.Subscriptions > subscriptionsBefore, s_timeout);

        await using (var device = await ward.ConnectDeviceAsync(1))
        {
            for (var i = 0; i < 5; i++)
            {
                frames.Add(await device.PublishNextAsync(CancellationToken.None));
            }
        }

        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= 2 * frames.Count, s_timeout);
        var rows = await ward.Influx.QueryAsync(GatewayFixture.Database, $"SELECT * FROM vitals WHERE device = '{ward.Devices[1].DeviceId}'");
        Assert.Equal(frames.SelectMany(f => f.Observations.Select(_ => f.SequenceNumber)).Order(), rows.Select(r => r.Columns["seq"].GetInt64()).Order());
        Assert.Contains(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.MqttConnectionLost);
        ward.Logs.AssertNoErrors();
    }
}
