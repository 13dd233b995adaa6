namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Sees every verification outcome the moment it is known, before the frame is durable: the alert service
/// (<c>Alerts/AlarmFeed</c>), because an alarm must never wait for the journal or the database. The seam keeps ingestion
/// free of the subsystems it feeds; the journal gets its frames through <see cref="PendingFrameQueue"/> instead, in
/// arrival order and with their acknowledgements.
/// </summary>
public interface IIngestionObserver
{
    /// <summary>Takes one outcome. Must not wait and must not throw: ingestion calls it on its hot path.</summary>
    void Observe(in IngestionOutcome outcome);
}
