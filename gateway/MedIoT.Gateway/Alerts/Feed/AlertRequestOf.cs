namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>An <see cref="AlertRequest"/> whose answer is a <typeparamref name="TResult"/>.</summary>
internal sealed class AlertRequest<TResult>(Func<AlertEngine, DateTimeOffset, List<AlarmEvent>, TResult> run) : AlertRequest
{
    private readonly TaskCompletionSource<TResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The answer, once the consumer ran the request.</summary>
    public Task<TResult> Answer => _answer.Task;

    public override void Run(AlertEngine engine, DateTimeOffset now, List<AlarmEvent> events) => _answer.TrySetResult(run(engine, now, events));

    public override void Cancel() => _answer.TrySetCanceled();
}
