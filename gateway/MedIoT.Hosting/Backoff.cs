using Polly;
using Polly.Retry;

namespace MedIoT.Hosting;

/// <summary>
/// The one backoff of every MedIoT retry loop: a Polly retry pipeline that retries without end (until it succeeds or its
/// cancellation token fires), exponentially, waiting on the injected <see cref="TimeProvider"/> so that a test's fake
/// clock drives it.
/// </summary>
/// <remarks>
/// <para>
/// Without jitter the n-th retry (n = 0, 1, 2, ...) waits <c>InitialDelay × 2^n</c>, capped at <c>MaximumDelay</c>.
/// </para>
/// <para>
/// With jitter Polly uses its "decorrelated jitter" formula (Polly.Contrib.WaitAndRetry's <c>DecorrelatedJitterBackoffV2</c>):
/// the delays are random, with medians near <c>InitialDelay × 2^n</c>, each between 0 and about
/// <c>InitialDelay × 2^(n+1)</c>, and still capped at <c>MaximumDelay</c>. Unlike "± a fraction" jitter, consecutive
/// delays are not correlated, so clients that failed together drift apart. A jittered delay may be shorter than
/// <c>InitialDelay</c>.
/// </para>
/// <para>
/// An attempt that throws <see cref="OperationCanceledException"/> is never retried. A pipeline run counts its own
/// attempts: the backoff starts over at <c>InitialDelay</c> with each <c>ExecuteAsync</c>.
/// </para>
/// </remarks>
public static class Backoff
{
    /// <summary>
    /// A pipeline that retries an operation for as long as it throws an exception <paramref name="shouldRetry"/> accepts.
    /// <paramref name="onRetry"/> is told each such exception and the delay before the next attempt (log "retrying in N ms").
    /// </summary>
    public static ResiliencePipeline Create(BackoffOptions options, TimeProvider timeProvider, Func<Exception, bool> shouldRetry,
        Action<Exception, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(shouldRetry);
        options.ThrowIfInvalid();
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(WithDelays<RetryStrategyOptions, object>(new RetryStrategyOptions
            {
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is { } exception
                    && exception is not OperationCanceledException && shouldRetry(exception)),
                OnRetry = arguments =>
                {
                    onRetry?.Invoke(arguments.Outcome.Exception!, arguments.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            }, options))
            .Build();
    }

    /// <summary>
    /// A pipeline that retries an operation for as long as its outcome (a result, or an exception other than a
    /// cancellation) is one <paramref name="shouldRetry"/> accepts; for operations that report failure as a result.
    /// <paramref name="onRetry"/> is told each such outcome and the delay before the next attempt.
    /// </summary>
    public static ResiliencePipeline<TResult> Create<TResult>(BackoffOptions options, TimeProvider timeProvider, Func<Outcome<TResult>, bool> shouldRetry,
        Action<Outcome<TResult>, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(shouldRetry);
        options.ThrowIfInvalid();
        return new ResiliencePipelineBuilder<TResult> { TimeProvider = timeProvider }
            .AddRetry(WithDelays<RetryStrategyOptions<TResult>, TResult>(new RetryStrategyOptions<TResult>
            {
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is not OperationCanceledException && shouldRetry(arguments.Outcome)),
                OnRetry = arguments =>
                {
                    onRetry?.Invoke(arguments.Outcome, arguments.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            }, options))
            .Build();
    }

    // Exponential from the initial delay, capped at the maximum, jittered when asked, without end.
    private static TStrategy WithDelays<TStrategy, TResult>(TStrategy strategy, BackoffOptions options)
        where TStrategy : RetryStrategyOptions<TResult>
    {
        strategy.BackoffType = DelayBackoffType.Exponential;
        strategy.UseJitter = options.UseJitter;
        strategy.Delay = options.InitialDelay;
        strategy.MaxDelay = options.MaximumDelay;
        strategy.MaxRetryAttempts = int.MaxValue;
        return strategy;
    }
}
