using System.Diagnostics.Metrics;
using MedIoT.Protocol.Serial;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>
/// Counts what the serial ports did, on the meter <c>MedIoT.Gateway</c>: disconnections, reconnections, no-data
/// timeouts, and skipped bytes per reason (each reason logged at its first occurrence per port, then only counted).
/// </summary>
public sealed class SerialStatistics
{
    private static readonly int s_reasonCount = Enum.GetValues<SerialRejectionReason>().Length;
    private readonly Meter _meter;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _noData;
    private readonly Counter<long> _rejected;
    private readonly long[] _rejections = new long[s_reasonCount];
    private long _disconnectCount;
    private long _reconnectCount;
    private long _noDataCount;

    public SerialStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory returns the same Meter as IngestionStatistics (same name) and owns its lifetime.
        _meter = meterFactory.Create(IngestionStatistics.MeterName);
        var meter = _meter;
        _disconnects = meter.CreateCounter<long>("mediot.serial.disconnects", "{event}", "Serial ports that went away.");
        _reconnects = meter.CreateCounter<long>("mediot.serial.reconnects", "{event}", "Serial ports reopened after going away.");
        _noData = meter.CreateCounter<long>("mediot.serial.no_data", "{event}", "Serial ports silent for their no-data timeout.");
        _rejected = meter.CreateCounter<long>("mediot.serial.rejected", "{event}", "Stretches of serial bytes skipped, by reason.");
    }

    /// <summary>Disconnections so far.</summary>
    public long Disconnects => Interlocked.Read(ref _disconnectCount);

    /// <summary>Reconnections so far.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnectCount);

    /// <summary>No-data timeouts so far.</summary>
    public long NoDataTimeouts => Interlocked.Read(ref _noDataCount);

    /// <summary>Skipped stretches of bytes for <paramref name="reason"/>, all ports together.</summary>
    public long Rejected(SerialRejectionReason reason) => Interlocked.Read(ref _rejections[(int)reason]);

    internal void RecordDisconnect(string deviceId)
    {
        Interlocked.Increment(ref _disconnectCount);
        _disconnects.Add(1, new KeyValuePair<string, object?>("device", deviceId));
    }

    internal void RecordReconnect(string deviceId)
    {
        Interlocked.Increment(ref _reconnectCount);
        _reconnects.Add(1, new KeyValuePair<string, object?>("device", deviceId));
    }

    internal void RecordNoData(string deviceId)
    {
        Interlocked.Increment(ref _noDataCount);
        _noData.Add(1, new KeyValuePair<string, object?>("device", deviceId));
    }

    internal void RecordRejection(string deviceId, SerialRejectionReason reason)
    {
        Interlocked.Increment(ref _rejections[(int)reason]);
        _rejected.Add(1, new KeyValuePair<string, object?>("device", deviceId), new KeyValuePair<string, object?>("reason", reason.ToString()));
    }
}
