using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>
/// Work that runs on the alert service's consumer (the engine's only owner) and answers the caller: an HTTP
/// acknowledgement, observation, alarm list or NEWS2 query.
/// </summary>
internal abstract class AlarmRequest
{
    /// <summary>Runs against the engine at <paramref name="now"/>; alarm events go to <paramref name="events"/>.</summary>
    public abstract void Run(AlarmEngine engine, DateTimeOffset now, List<AlarmEvent> events);

    /// <summary>The engine stopped before the request ran.</summary>
    public abstract void Cancel();
}
