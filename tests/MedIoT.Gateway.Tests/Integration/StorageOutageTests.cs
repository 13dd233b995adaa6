using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// No loss while InfluxDB is away: frames are acknowledged once durable in the journal, and the InfluxDB writer
/// delivers them from the journal when InfluxDB returns, even after a gateway restart during the outage.
/// </summary>
public sealed class StorageOutageTests(GatewayFixture ward) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Frames_received_while_InfluxDB_is_down_are_stored_after_it_returns_even_across_a_gateway_restart()
    {
        const int FramesDuringOutage = 20;
        await using var device = await ward.ConnectDeviceAsync(0);
        var frames = new List<DeviceFrame> { await device.PublishNextAsync(CancellationToken.None) };
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= 2, s_timeout);

        await ward.Influx.StopAsync();
        var journaledBefore = ward.Journal.Size;
        var failuresBefore = ward.Statistics.StoreFailures;
        for (var i = 0; i < FramesDuringOutage; i++)
        {
            frames.Add(await device.PublishNextAsync(CancellationToken.None));
        }

        // Verified and journaled, but InfluxDB is away: nothing more is stored, the writer lags behind the journal.
        await ward.Statistics.WaitUntilAsync(s => s.Accepted >= 1 + FramesDuringOutage && s.StoreFailures > failuresBefore, s_timeout);
        await ward.JournalStatistics.WaitUntilAsync(_ => ward.Journal.Size >= journaledBefore + FramesDuringOutage, s_timeout);
        Assert.Equal(2, ward.Statistics.ObservationsStored);
        Assert.True(ward.JournalStatistics.WriterPosition < ward.Journal.Size);

        // A gateway that stops now forgets everything it held in memory; the journal on disk has the frames.
        await ward.RestartGatewayAsync();
        await ward.Influx.RestartAsync();

        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= 2 * FramesDuringOutage, s_timeout);
        var rows = await ward.Influx.QueryAsync(GatewayFixture.Database, $"SELECT * FROM vitals WHERE device = '{device.Device.DeviceId}'");
        var stored = rows.Select(r => (Sequence: r.Columns["seq"].GetInt64(), Code: r.Columns["code"].GetString())).ToHashSet();
        foreach (var frame in frames)
        {
            foreach (var observation in frame.Observations)
            {
                Assert.Contains((frame.SequenceNumber, observation.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)), stored);
            }
        }

        Assert.Equal(frames.Sum(f => f.Observations.Count), rows.Count);
        ward.Logs.AssertNoErrors();
    }
}
