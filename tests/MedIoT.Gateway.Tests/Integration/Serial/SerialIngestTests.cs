using System.Globalization;
using MedIoT.FirmwareSim.Serial;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Serial;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Serial;

/// <summary>
/// Serial devices end to end over real socat pseudo-terminals: simulator → pty → gateway → InfluxDB, for every
/// protocol, every fault the simulator injects, a silent line, and a pulled and re-plugged cable.
/// </summary>
public sealed class SerialIngestTests(SerialWardFixture ward) : IClassFixture<SerialWardFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static long Nanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private SocatPtyPair Line(SerialOutputProtocol protocol) => protocol switch
    {
        SerialOutputProtocol.Signed => ward.SignedLine,
        SerialOutputProtocol.Masimo => ward.MasimoLine,
        _ => ward.NoninLine,
    };

    private static string DeviceId(SerialOutputProtocol protocol) => protocol switch
    {
        SerialOutputProtocol.Signed => SerialWardFixture.SignedDeviceId,
        SerialOutputProtocol.Masimo => SerialWardFixture.MasimoDeviceId,
        _ => SerialWardFixture.NoninDeviceId,
    };

    private async Task<List<SerialChunk>> WriteAsync(SerialOutputProtocol protocol, SerialFaults faults, int readings, int seed)
    {
        IDisposable? key = null;
        var source = protocol == SerialOutputProtocol.Signed
            ? ward.SignedSource(faults, out key)
            : SerialReadingSource.Unsigned(protocol, faults, seed, TimeProvider.System);
        try
        {
            await using var port = SerialWardFixture.OpenDeviceEnd(Line(protocol));
            var chunks = new List<SerialChunk>();
            for (var i = 0; i < readings; i++)
            {
                var chunk = source.Next();
                chunks.Add(chunk);
                await port.WriteAsync(chunk.Bytes);
            }

            return chunks;
        }
        finally
        {
            key?.Dispose();
        }
    }

    private async Task<IReadOnlyList<InfluxRow>> RowsAsync(string deviceId, long fromNanoseconds) =>
        await ward.Influx.QueryAsync(SerialWardFixture.Database,
            $"SELECT * FROM vitals WHERE device = '{deviceId}' AND time >= {fromNanoseconds.ToString(CultureInfo.InvariantCulture)}");

    [Theory]
    [InlineData(SerialOutputProtocol.Signed)]
    [InlineData(SerialOutputProtocol.Masimo)]
    [InlineData(SerialOutputProtocol.Nonin)]
    public async Task Readings_of_every_protocol_arrive_in_InfluxDB_with_their_values_and_the_right_attestation(SerialOutputProtocol protocol)
    {
        var from = Nanoseconds(TimeProvider.System.GetUtcNow());
        var storedBefore = ward.Statistics.ObservationsStored;
        var chunks = await WriteAsync(protocol, SerialFaults.None, 5, 21);
        var expected = chunks.Sum(c => c.Observations.Count);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + expected, s_timeout);

        var rows = await RowsAsync(DeviceId(protocol), from);
        Assert.Equal(expected, rows.Count);
        var bySequence = rows.GroupBy(r => r.Columns["seq"].GetInt64()).OrderBy(g => g.Key).ToList();
        Assert.Equal(chunks.Count, bySequence.Count);
        foreach (var (chunk, group) in chunks.Zip(bySequence))
        {
            foreach (var observation in chunk.Observations)
            {
                var row = Assert.Single(group, r => r.Columns["code"].GetString() == observation.Code.ToString(CultureInfo.InvariantCulture));
                Assert.Equal(observation.Value, row.Columns["value"].GetDouble());
                Assert.Equal(observation.Unit, row.Columns["unit"].GetString());
                if (protocol == SerialOutputProtocol.Signed)
                {
                    // The device's own time and sequence number; no gateway attestation.
                    Assert.Equal(observation.TimeUnixNanoseconds, row.TimeNanoseconds);
                    Assert.Equal(chunk.SignedFrame!.SequenceNumber, row.Columns["seq"].GetInt64());
                    Assert.True(!row.Columns.TryGetValue("attested", out var attested) || attested.ValueKind == System.Text.Json.JsonValueKind.Null);
                }
                else
                {
                    // The gateway's receive time, its own sequence numbers, and the attestation tag.
                    Assert.Equal("gateway", row.Columns["attested"].GetString());
                    Assert.InRange(row.TimeNanoseconds, from, Nanoseconds(TimeProvider.System.GetUtcNow()));
                }
            }

            Assert.Equal(protocol switch { SerialOutputProtocol.Signed => "01", SerialOutputProtocol.Masimo => "02", _ => "03" }, group.First().Columns["bed"].GetString());
            Assert.Equal("7A", group.First().Columns["ward"].GetString());
        }

        Assert.All(bySequence.Zip(bySequence.Skip(1)), pair => Assert.True(pair.Second.Key > pair.First.Key));
        ward.Logs.AssertNoErrors();
    }

    [Theory]
    [InlineData(SerialOutputProtocol.Signed)]
    [InlineData(SerialOutputProtocol.Masimo)]
    [InlineData(SerialOutputProtocol.Nonin)]
    public async Task Garbage_truncated_and_damaged_readings_are_counted_and_every_readable_reading_arrives(SerialOutputProtocol protocol)
    {
        var from = Nanoseconds(TimeProvider.System.GetUtcNow());
        var serial = Enum.GetValues<SerialRejectionReason>().ToDictionary(r => r, ward.SerialStatistics.Rejected);
        var frames = Enum.GetValues<FrameRejectionReason>().ToDictionary(r => r, ward.Statistics.Rejected);
        var storedBefore = ward.Statistics.ObservationsStored;

        // 22 readings: noise after every 3rd, every 4th cut short, every 5th damaged; the last one is clean.
        var chunks = await WriteAsync(protocol, new SerialFaults(GarbageEvery: 3, TruncateEvery: 4, BadChecksumEvery: 5), 22, 31);
        var readable = chunks.Where(c => c.IsReadable).ToList();
        var expected = readable.Sum(c => c.Observations.Count);
        var garbage = chunks.Count(c => c.Fault == SerialFault.Garbage);
        var truncated = chunks.Count(c => c.Fault == SerialFault.Truncated);
        var damaged = chunks.Count(c => c.Fault == SerialFault.BadChecksum);
        Assert.True(garbage > 0 && truncated > 0 && damaged > 0);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + expected, s_timeout);

        long SerialDelta(SerialRejectionReason reason) => ward.SerialStatistics.Rejected(reason) - serial[reason];
        long FrameDelta(FrameRejectionReason reason) => ward.Statistics.Rejected(reason) - frames[reason];
        Assert.Equal(garbage, SerialDelta(SerialRejectionReason.Garbage));
        switch (protocol)
        {
            case SerialOutputProtocol.Signed:
                // A line cut short is no longer a JWS; a damaged signature does not verify: rejected as over MQTT.
                Assert.Equal(truncated, FrameDelta(FrameRejectionReason.NotCompactJws));
                Assert.Equal(damaged, FrameDelta(FrameRejectionReason.BadSignature));
                break;
            case SerialOutputProtocol.Masimo:
                Assert.Equal(truncated + damaged, SerialDelta(SerialRejectionReason.MalformedLine));
                break;
            default:
                Assert.Equal(truncated, SerialDelta(SerialRejectionReason.TruncatedPacket));
                Assert.Equal(damaged, SerialDelta(SerialRejectionReason.BadChecksum));
                break;
        }

        var rows = await RowsAsync(DeviceId(protocol), from);
        Assert.Equal(expected, rows.Count);
        var storedSaturations = rows.Where(r => r.Columns["code"].GetString() == "150456").OrderBy(r => r.Columns["seq"].GetInt64())
            .Select(r => r.Columns["value"].GetDouble());
        Assert.Equal(readable.Select(c => c.Observations.Single(o => o.Code == MdcCodes.OxygenSaturation).Value), storedSaturations);

        // Each reason is logged once per port, then only counted; no error.
        var skipLogs = ward.Logs.GetSnapshot().Where(e => e.Id.Id == GatewayLogEvents.SerialBytesRejected).Select(e => e.Message).ToList();
        Assert.Contains(skipLogs, m => m.Contains(DeviceId(protocol), StringComparison.Ordinal) && m.Contains("Garbage", StringComparison.Ordinal));
        Assert.Equal(skipLogs.Count, skipLogs.Distinct().Count());
        ward.Logs.AssertNoErrors();
    }

    [Theory]
    [InlineData(SerialOutputProtocol.Signed)]
    [InlineData(SerialOutputProtocol.Masimo)]
    [InlineData(SerialOutputProtocol.Nonin)]
    public async Task A_pulled_and_replugged_cable_raises_disconnected_and_reconnected_and_readings_arrive_before_and_after(SerialOutputProtocol protocol)
    {
        var deviceId = DeviceId(protocol);
        var line = Line(protocol);
        var from = Nanoseconds(TimeProvider.System.GetUtcNow());
        var storedBefore = ward.Statistics.ObservationsStored;
        var disconnectsBefore = ward.SerialStatistics.Disconnects;
        var reconnectsBefore = ward.SerialStatistics.Reconnects;
        var before = await WriteAsync(protocol, SerialFaults.None, 3, 41);
        var beforeCount = before.Sum(c => c.Observations.Count);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + beforeCount, s_timeout);

        var mark = ward.EventMark;
        await line.KillAsync();                                                        // the cable is pulled
        var disconnected = await ward.WaitForEventAsync(mark, e => e.Device.DeviceId == deviceId && e.Kind == DeviceStatusEventKind.Disconnected, s_timeout);
        Assert.Equal("7A", disconnected.Device.Location.Ward.ToString());
        Assert.NotNull(disconnected.Detail);

        await line.StartAgainAsync();                                                  // plugged back in (a new pty behind the same path)
        await ward.WaitForEventAsync(mark, e => e.Device.DeviceId == deviceId && e.Kind == DeviceStatusEventKind.Reconnected, s_timeout);
        var after = await WriteAsync(protocol, SerialFaults.None, 3, 42);
        var total = beforeCount + after.Sum(c => c.Observations.Count);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + total, s_timeout);

        Assert.Equal(disconnectsBefore + 1, ward.SerialStatistics.Disconnects);
        Assert.Equal(reconnectsBefore + 1, ward.SerialStatistics.Reconnects);
        var rows = await RowsAsync(deviceId, from);
        Assert.Equal(total, rows.Count);
        var saturations = rows.Where(r => r.Columns["code"].GetString() == "150456").OrderBy(r => r.Columns["seq"].GetInt64()).Select(r => r.Columns["value"].GetDouble());
        Assert.Equal(before.Concat(after).Select(c => c.Observations[0].Value), saturations);
        Assert.Contains(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.SerialPortDisconnected && e.Message.Contains(deviceId, StringComparison.Ordinal));
        Assert.Contains(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.SerialPortReconnected && e.Message.Contains(deviceId, StringComparison.Ordinal));
        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_silent_line_raises_no_data_and_data_resumed()
    {
        var mark = ward.EventMark;
        await WriteAsync(SerialOutputProtocol.Nonin, SerialFaults.None, 1, 51);
        var noData = await ward.WaitForEventAsync(mark, e => e.Device.DeviceId == SerialWardFixture.NoninDeviceId && e.Kind == DeviceStatusEventKind.NoData, s_timeout);
        var resumedMark = ward.EventMark;
        await WriteAsync(SerialOutputProtocol.Nonin, SerialFaults.None, 1, 52);
        var resumed = await ward.WaitForEventAsync(resumedMark, e => e.Device.DeviceId == SerialWardFixture.NoninDeviceId && e.Kind == DeviceStatusEventKind.DataResumed, s_timeout);
        Assert.True(resumed.Time >= noData.Time);
        Assert.True(ward.SerialStatistics.NoDataTimeouts >= 1);
        Assert.Contains(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.SerialNoData);
    }

    [Fact]
    public async Task Masimo_sensor_off_with_dashes_becomes_a_status_event_and_no_reading()
    {
        var from = Nanoseconds(TimeProvider.System.GetUtcNow());
        var storedBefore = ward.Statistics.ObservationsStored;
        var mark = ward.EventMark;
        await using (var port = SerialWardFixture.OpenDeviceEnd(ward.MasimoLine))
        {
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            await port.WriteAsync(MasimoLineFormatter.Format(now, "1", new MasimoReading(null, null, null, MasimoStatus.AlarmLowBattery, MasimoStatus.ExceptionSensorOff)));
            await port.WriteAsync(MasimoLineFormatter.Format(now, "1", new MasimoReading(97, 70, 2.5, 0, 0)));
        }

        var off = await ward.WaitForEventAsync(mark, e => e.Device.DeviceId == SerialWardFixture.MasimoDeviceId && e.Kind == DeviceStatusEventKind.StatusChanged, s_timeout);
        Assert.Equal(DeviceStatus.SensorOff | DeviceStatus.LowBattery, off.Status);
        var cleared = await ward.WaitForEventAsync(mark, e => e.Device.DeviceId == SerialWardFixture.MasimoDeviceId && e.Kind == DeviceStatusEventKind.StatusChanged && e.Status == DeviceStatus.None, s_timeout);
        Assert.True(cleared.Time >= off.Time);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + 3, s_timeout);

        // Only the second line is a reading: the dashes are no value, not zero.
        var rows = await RowsAsync(SerialWardFixture.MasimoDeviceId, from);
        Assert.Equal(3, rows.Count);
        Assert.DoesNotContain(rows, r => r.Columns["value"].GetDouble() == 0);
        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Attested_sequence_numbers_continue_after_a_gateway_restart_and_the_identity_key_is_owner_only()
    {
        var from = Nanoseconds(TimeProvider.System.GetUtcNow());
        var storedBefore = ward.Statistics.ObservationsStored;
        await WriteAsync(SerialOutputProtocol.Nonin, SerialFaults.None, 2, 61);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + 4, s_timeout);
        var firstRun = (await RowsAsync(SerialWardFixture.NoninDeviceId, from)).Max(r => r.Columns["seq"].GetInt64());

        await ward.RestartGatewayAsync();
        var restartedStored = ward.Statistics.ObservationsStored;
        await WriteAsync(SerialOutputProtocol.Nonin, SerialFaults.None, 2, 62);
        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= restartedStored + 4, s_timeout);
        var rows = await RowsAsync(SerialWardFixture.NoninDeviceId, from);
        Assert.Equal(8, rows.Count);
        Assert.True(rows.Max(r => r.Columns["seq"].GetInt64()) > firstRun);
        Assert.Equal(4, rows.Select(r => r.Columns["seq"].GetInt64()).Distinct().Count());

        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ward.IdentityKeyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(ward.IdentityKeyFile)!));
        }

        Assert.Contains(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.GatewayIdentityLoaded); // loaded, not created again, after the restart
        var key = await File.ReadAllTextAsync(ward.IdentityKeyFile);
        var secret = System.Text.Json.JsonDocument.Parse(key).RootElement.GetProperty("d").GetString()!;
        Assert.DoesNotContain(ward.Logs.GetSnapshot(), e => e.Message.Contains(secret, StringComparison.Ordinal));
        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_port_missing_at_start_is_reported_disconnected_and_opened_when_its_adapter_appears()
    {
        var disconnected = await ward.WaitForEventAsync(0, e => e.Device.DeviceId == SerialWardFixture.LateDeviceId && e.Kind == DeviceStatusEventKind.Disconnected, s_timeout);
        Assert.Contains("errno 2", disconnected.Detail, StringComparison.Ordinal);
        Assert.Contains(ward.Logs.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.SerialPortUnavailable && e.Message.Contains(SerialWardFixture.LateDeviceId, StringComparison.Ordinal));

        var mark = ward.EventMark;
        await using var line = await SocatPtyPair.StartAsync(ward.LateLineFolder);
        await ward.WaitForEventAsync(mark, e => e.Device.DeviceId == SerialWardFixture.LateDeviceId && e.Kind == DeviceStatusEventKind.Reconnected, s_timeout);

        var from = Nanoseconds(TimeProvider.System.GetUtcNow());
        var storedBefore = ward.Statistics.ObservationsStored;
        await using (var port = SerialWardFixture.OpenDeviceEnd(line))
        {
            var packet = new byte[NoninPacketEncoder.PacketLength];
            NoninPacketEncoder.Encode(93, 101, NoninPacketEncoder.StatusBitsFor(DeviceStatus.None), packet);
            await port.WriteAsync(packet);
        }

        await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + 2, s_timeout);
        var rows = await RowsAsync(SerialWardFixture.LateDeviceId, from);
        Assert.Equal([93.0, 101.0], rows.OrderBy(r => r.Columns["code"].GetString()).Select(r => r.Columns["value"].GetDouble()).Reverse());
        Assert.All(rows, r => Assert.Equal("04", r.Columns["bed"].GetString()));
        ward.Logs.AssertNoErrors();
    }
}
