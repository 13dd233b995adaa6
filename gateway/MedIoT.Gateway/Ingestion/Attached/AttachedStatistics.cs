using System.Diagnostics.Metrics;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Counts what the sensors wired to the gateway did, on the meter <c>MedIoT.Gateway</c>: readings taken, failed reads by
/// fault, button presses. Tagged with the sensor's configured name, never with a value.
/// </summary>
public sealed class AttachedStatistics
{
    private readonly Meter _meter;
    private readonly Counter<long> _readings;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _presses;
    private readonly ChangeSignal _changes = new();
    private long _readingCount;
    private long _failureCount;
    private long _pressCount;

    public AttachedStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory returns the same Meter as IngestionStatistics (same name) and owns its lifetime.
        _meter = meterFactory.Create(IngestionStatistics.MeterName);
        var meter = _meter;
        _readings = meter.CreateCounter<long>("mediot.attached.readings", "{reading}", "Readings taken from sensors wired to the gateway.");
        _failures = meter.CreateCounter<long>("mediot.attached.failures", "{event}", "Failed reads of sensors wired to the gateway, by fault.");
        _presses = meter.CreateCounter<long>("mediot.attached.button_presses", "{event}", "Debounced presses of the bedside call and answer buttons.");
    }

    /// <summary>Readings taken so far.</summary>
    public long Readings => Interlocked.Read(ref _readingCount);

    /// <summary>Failed reads so far.</summary>
    public long Failures => Interlocked.Read(ref _failureCount);

    /// <summary>Button presses so far.</summary>
    public long Presses => Interlocked.Read(ref _pressCount);

    /// <summary>Completes when <paramref name="condition"/> holds, re-evaluated at every change; for tests and health checks.</summary>
    public Task WaitUntilAsync(Func<AttachedStatistics, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return _changes.WaitUntilAsync(() => condition(this), timeout, () =>
            $"The attached sensors' statistics did not reach the expected state within {timeout.TotalSeconds:0.#} s " +
                $"(readings {Readings}, failures {Failures}, presses {Presses}).", cancellationToken);
    }

    internal void RecordReading(string sensor)
    {
        Interlocked.Increment(ref _readingCount);
        _readings.Add(1, new KeyValuePair<string, object?>("sensor", sensor));
        _changes.Notify();
    }

    internal void RecordFailure(string sensor, string fault)
    {
        Interlocked.Increment(ref _failureCount);
        _failures.Add(1, new KeyValuePair<string, object?>("sensor", sensor), new KeyValuePair<string, object?>("fault", fault));
        _changes.Notify();
    }

    internal void RecordPress(string sensor, string button)
    {
        Interlocked.Increment(ref _pressCount);
        _presses.Add(1, new KeyValuePair<string, object?>("sensor", sensor), new KeyValuePair<string, object?>("button", button));
        _changes.Notify();
    }
}
