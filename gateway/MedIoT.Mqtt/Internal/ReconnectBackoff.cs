using System.Diagnostics.CodeAnalysis;
using Polly;
using Polly.Retry;

namespace MedIoT.Mqtt.Internal;

/// <summary>
/// The reconnect backoff: a Polly retry pipeline, exponential from <see cref="MqttClientOptions.ReconnectInitialDelay"/> up to
/// <see cref="MqttClientOptions.ReconnectMaximumDelay"/>, jittered unless <see cref="MqttClientOptions.ReconnectJitter"/> is off,
/// without end, on the client's <see cref="TimeProvider"/>. It is the same strategy as the services' backoff
/// (MedIoT.Hosting's <c>Backoff</c>), built here because a protocol library does not reference the service chassis.
/// </summary>
internal static class ReconnectBackoff
{
    /// <summary>
    /// A pipeline that retries an attempt for as long as it throws an exception <paramref name="isRetryable"/> accepts and
    /// the caller's token has not fired; <paramref name="onRetry"/> hears the delay and the 1-based number of the attempt
    /// that failed.
    /// </summary>
    public static ResiliencePipeline<TResult> Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TResult>(MqttClientOptions options, Func<Exception, bool> isRetryable, Action<TimeSpan, int> onRetry) =>
        new ResiliencePipelineBuilder<TResult> { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions<TResult>
            {
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is { } exception && isRetryable(exception) && !arguments.Context.CancellationToken.IsCancellationRequested),
                OnRetry = arguments =>
                {
                    onRetry(arguments.RetryDelay, arguments.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.ReconnectJitter,
                Delay = options.ReconnectInitialDelay,
                MaxDelay = options.ReconnectMaximumDelay,
                MaxRetryAttempts = int.MaxValue,
            })
            .Build();
}
