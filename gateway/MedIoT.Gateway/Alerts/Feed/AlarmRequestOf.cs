using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>An <see cref="AlarmRequest"/> whose answer is a <typeparamref name="TResult"/>.</summary>
internal sealed class AlarmRequest<TResult>(Func<AlarmEngine, DateTimeOffset, List<AlarmEvent>, TResult> run) : AlarmRequest
{
    private readonly TaskCompletionSource<TResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The answer, once the consumer ran the request.</summary>
    public Task<TResult> Answer => _answer.Task;

    public override void Run(AlarmEngine engine, DateTimeOffset now, List<AlarmEvent> events) => _answer.TrySetResult(run(engine, now, events));

    public override void Cancel() => _answer.TrySetCanceled();
}
