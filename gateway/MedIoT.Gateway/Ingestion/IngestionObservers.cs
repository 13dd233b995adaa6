namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Every registered <see cref="IIngestionObserver"/> as one: the alarms (<c>Alerts/AlarmFeed</c>) and the station's latest
/// readings (<c>Station/LatestReadings</c>) each see every outcome, in registration order. Like each observer, never waits.
/// </summary>
internal sealed class IngestionObservers : IIngestionObserver
{
    private readonly IIngestionObserver[] _observers;

    private IngestionObservers(IIngestionObserver[] observers) => _observers = observers;

    /// <summary>One observer for all of <paramref name="observers"/> (the only one itself, when there is one).</summary>
    public static IIngestionObserver Combine(IEnumerable<IIngestionObserver> observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        var all = observers.ToArray();
        return all.Length == 1 ? all[0] : new IngestionObservers(all);
    }

    public void Observe(in IngestionOutcome outcome)
    {
        foreach (var observer in _observers)
        {
            observer.Observe(outcome);
        }
    }
}
