using System.Globalization;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Gateway.Tests.Integration;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Entries;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Storage.Influx;

/// <summary>The InfluxDB writer tailing the journal, against a real influxd.</summary>
public sealed class InfluxJournalWriterTests(GatewayFixture ward) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_stored_reading_carries_the_journal_index_of_the_entry_holding_its_frame()
    {
        var frames = new List<DeviceFrame>();
        await using (var device = await ward.ConnectDeviceAsync(2))
        {
            for (var i = 0; i < 3; i++)
            {
                frames.Add(await device.PublishNextAsync(CancellationToken.None));
            }
        }

        await ward.JournalStatistics.WaitUntilAsync(s => s.WriterPosition == ward.Journal.Size && ward.Journal.Size >= 3, s_timeout);
        var rows = await ward.Influx.QueryAsync(GatewayFixture.Database, $"SELECT * FROM vitals WHERE device = '{ward.Devices[2].DeviceId}'");
        Assert.Equal(frames.Sum(f => f.Observations.Count), rows.Count);
        foreach (var row in rows)
        {
            Assert.True(LedgerEntry.TryDecode(ward.Journal.Log.ReadEntry(row.Columns["journal"].GetInt64()), out var entry, out _));
            Assert.Equal(ward.Devices[2].DeviceId, entry.DeviceId);
            Assert.Equal(row.Columns["seq"].GetInt64(), entry.SequenceNumber);
            Assert.True(JwsFrameDecoder.TryDecode(entry.Frame.Span, LedgerEntry.MaxFrameLength, out var token, out _, out _));
            Assert.True(token.TryReadFrame(out var frame, out _, out _));
            Assert.Contains(frame.Observations, o => o.TimeUnixNanoseconds == row.TimeNanoseconds && o.Value == row.Columns["value"].GetDouble());
        }

        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Points_InfluxDB_refuses_are_logged_and_counted_and_do_not_block_the_rest()
    {
        // In the shard of 2001 the field "seq" already holds strings: a reading of 2001 conflicts (InfluxDB 1.x answers
        // 400 "partial write: field type conflict ... dropped=N" and keeps the other points of the body).
        const long OldTime = 1_000_000_000_000_000_000L;
        using (var http = new HttpClient { BaseAddress = ward.Influx.BaseAddress })
        {
            using var content = new StringContent($"vitals,device=seeded seq=\"text\" {OldTime}\n", Encoding.UTF8);
            using var seeded = await http.PostAsync(new Uri($"write?db={GatewayFixture.Database}&precision=ns", UriKind.Relative), content);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, seeded.StatusCode);
        }

        var refusedBefore = ward.JournalStatistics.PointsRefused;
        await using var device = await ward.ConnectDeviceAsync(3);
        var before = await device.PublishNextAsync(CancellationToken.None);
        _ = device.SignNext(out var template);
        var old = new DeviceFrame(template.DeviceId, template.SequenceNumber,
            [.. template.Observations.Select((o, i) => new Observation(o.Code, o.Value, o.Unit, OldTime + i))]);
        await device.PublishRawAsync(Sign(device, old), CancellationToken.None);
        var after = await device.PublishNextAsync(CancellationToken.None);

        await ward.JournalStatistics.WaitUntilAsync(
            s => s.PointsRefused >= refusedBefore + old.Observations.Count && s.WriterPosition == ward.Journal.Size, s_timeout);
        var rows = await ward.Influx.QueryAsync(GatewayFixture.Database, $"SELECT * FROM vitals WHERE device = '{device.Device.DeviceId}'");
        var sequences = rows.Select(r => r.Columns["seq"].GetInt64()).ToHashSet();
        Assert.Contains(before.SequenceNumber, sequences);
        Assert.Contains(after.SequenceNumber, sequences);
        Assert.DoesNotContain(old.SequenceNumber, sequences);
        Assert.Equal(refusedBefore + old.Observations.Count, ward.JournalStatistics.PointsRefused);
        var warning = Assert.Single(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.InfluxPointsRefused);
        Assert.Contains("field type conflict", warning.Message, StringComparison.Ordinal);
        Assert.Contains(old.Observations.Count.ToString(CultureInfo.InvariantCulture) + " points", warning.Message, StringComparison.Ordinal);
        ward.Logs.AssertNoErrors();
    }

    private static byte[] Sign(FirmwareSim.Devices.SimulatedDevice device, DeviceFrame frame)
    {
        using var key = PrivateKeyFile.Read(device.Device.PrivateKeyPath);
        return JwsFrameEncoder.Encode(frame, key);
    }
}
