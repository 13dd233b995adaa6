using MedIoT.Alerts;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>One item for the alert service's single consumer: exactly one of its members is set.</summary>
internal sealed class AlarmWork
{
    private AlarmWork(VerifiedFrame? frame, AlarmInput? input, AlarmRequest? request, bool tick, DateTimeOffset receivedAt, long arrivalTimestamp = 0)
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
    public AlarmInput? Input { get; }

    /// <summary>A request that wants an answer (HTTP API).</summary>
    public AlarmRequest? Request { get; }

    /// <summary>The 1 s tick.</summary>
    public bool IsTick { get; }

    /// <summary>
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp of the hand-over from ingestion (0 for other work), for the
    /// frame-to-publish latency metric only; never used for alarm logic, which runs on the alert clock.
    /// </summary>
    public long ArrivalTimestamp { get; }

    /// <summary>When the gateway received it (alert clock).</summary>
    public DateTimeOffset ReceivedAt { get; }

    public static AlarmWork ForFrame(VerifiedFrame frame, DateTimeOffset receivedAt, long arrivalTimestamp) =>
        new(frame, null, null, false, receivedAt, arrivalTimestamp);

    public static AlarmWork ForInput(AlarmInput input, DateTimeOffset receivedAt) => new(null, input, null, false, receivedAt);

    public static AlarmWork ForRequest(AlarmRequest request, DateTimeOffset receivedAt) => new(null, null, request, false, receivedAt);

    public static AlarmWork ForTick(DateTimeOffset dueAt) => new(null, null, null, true, dueAt);
}
