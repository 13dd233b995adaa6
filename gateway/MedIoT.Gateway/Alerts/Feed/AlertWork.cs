using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>One item for the alert service's single consumer: exactly one of its members is set.</summary>
internal sealed class AlertWork
{
    private AlertWork(VerifiedFrame? frame, AlertInput? input, AlertRequest? request, bool tick, DateTimeOffset receivedAt, long arrivalTimestamp = 0)
    {
        ArrivalTimestamp = arrivalTimestamp;
        Frame = frame;
        Input = input;
        Request = request;
        IsTick = tick;
        ReceivedAt = receivedAt;
    }

    /// <summary>A verified frame, turned into readings by the consumer (keeps the ingestion side cheap).</summary>
    public VerifiedFrame? Frame { get; }

    /// <summary>An input ready for the engine.</summary>
    public AlertInput? Input { get; }

    /// <summary>A request that wants an answer (HTTP API).</summary>
    public AlertRequest? Request { get; }

    /// <summary>The 1 s tick.</summary>
    public bool IsTick { get; }

    /// <summary>
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp of the hand-over from ingestion (0 for other work), for the
    /// frame-to-publish latency metric only; never used for alarm logic, which runs on the alert clock.
    /// </summary>
    public long ArrivalTimestamp { get; }

    /// <summary>When the gateway received it (alert clock).</summary>
    public DateTimeOffset ReceivedAt { get; }

    public static AlertWork ForFrame(VerifiedFrame frame, DateTimeOffset receivedAt, long arrivalTimestamp) =>
        new(frame, null, null, false, receivedAt, arrivalTimestamp);

    public static AlertWork ForInput(AlertInput input, DateTimeOffset receivedAt) => new(null, input, null, false, receivedAt);

    public static AlertWork ForRequest(AlertRequest request, DateTimeOffset receivedAt) => new(null, null, request, false, receivedAt);

    public static AlertWork ForTick(DateTimeOffset dueAt) => new(null, null, null, true, dueAt);
}
