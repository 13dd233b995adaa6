namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Where a source without acknowledgements (a serial line, a sensor on the gateway's pins) hands its verification
/// outcomes: counted, shown to the alerts at once, and an accepted frame queued for the journal. The queue waits when
/// full, so the source's own buffers (a port's, a sensor's next sample) hold the rest (docs/serial.md, "Durability").
/// </summary>
internal sealed class PushedFrameIntake(PendingFrameQueue queue, IngestionStatistics statistics, IIngestionObserver? observer)
{
    private static readonly Func<CancellationToken, ValueTask> s_nothingToAcknowledge = _ => ValueTask.CompletedTask;

    /// <summary>Records <paramref name="outcome"/> and queues its frame, if any, for the journal.</summary>
    public ValueTask AcceptAsync(IngestionOutcome outcome, CancellationToken cancellationToken)
    {
        statistics.Record(outcome);
        observer?.Observe(outcome);
        return outcome.Frame is null
            ? ValueTask.CompletedTask
            : queue.Writer.WriteAsync(new PendingFrame(outcome.Frame, s_nothingToAcknowledge), cancellationToken);
    }
}
