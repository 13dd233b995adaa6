using System.Diagnostics.Metrics;
using MedIoT.Gateway.Alerts.Delivery.Stations;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Station;

/// <summary>
/// The station's meters, on the gateway's meter (<see cref="IngestionStatistics.MeterName"/>, docs/metrics.md): open
/// live-event connections, events sent, events dropped for stations that did not keep up and the resyncs that followed,
/// and the page and API requests the station refused (by reason, a closed set).
/// </summary>
internal sealed class StationStatistics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _refused;
    private long _eventsSent;
    private long _resyncs;
    private long _refusedTotal;

    public StationStatistics(IMeterFactory meterFactory, AlarmBroadcast broadcast)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(broadcast);
        _meter = meterFactory.Create(IngestionStatistics.MeterName);
        _meter.CreateObservableGauge("mediot.station.connections", () => broadcast.Subscribers, "{connection}",
            "Stations connected to the live events (/station/events).");
        _meter.CreateObservableCounter("mediot.station.events.sent", () => EventsSent, "{event}", "Live events sent to stations (alarm and bed events).");
        _meter.CreateObservableCounter("mediot.station.events.dropped", () => broadcast.Dropped, "{event}",
            "Live events dropped because a station's queue was full; that station is told to resync.");
        _meter.CreateObservableCounter("mediot.station.resyncs", () => Resyncs, "{event}", "Resync events sent to stations that lost events.");
        _refused = _meter.CreateCounter<long>("mediot.station.requests.refused", "{request}", "Station page and API requests refused (bad place, unknown bed, bad hours).");
    }

    /// <summary>Live events sent.</summary>
    public long EventsSent => Interlocked.Read(ref _eventsSent);

    /// <summary>Resyncs sent.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Requests refused.</summary>
    public long Refused => Interlocked.Read(ref _refusedTotal);

    public void RecordEventSent() => Interlocked.Increment(ref _eventsSent);

    public void RecordResync() => Interlocked.Increment(ref _resyncs);

    public void RecordRefused(string reason)
    {
        Interlocked.Increment(ref _refusedTotal);
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    public void Dispose() => _meter.Dispose();
}
