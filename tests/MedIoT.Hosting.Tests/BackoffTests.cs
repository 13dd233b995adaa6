using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace MedIoT.Hosting.Tests;

public sealed class BackoffTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Delays_without_jitter_double_from_the_initial_delay_up_to_the_maximum()
    {
        var delays = await FailThenSucceedAsync(new BackoffOptions(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), UseJitter: false), failures: 7);

        Assert.Equal([100, 200, 400, 800, 1000, 1000, 1000], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Jittered_delays_grow_and_stay_within_the_maximum()
    {
        var maximum = TimeSpan.FromSeconds(5);

        var delays = await FailThenSucceedAsync(new BackoffOptions(TimeSpan.FromMilliseconds(100), maximum, UseJitter: true), failures: 40);

        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, maximum));
        Assert.True(delays[^10..].Average(d => d.TotalMilliseconds) > delays[..3].Average(d => d.TotalMilliseconds),
            string.Join(", ", delays.Select(d => d.TotalMilliseconds)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_long_outage_never_overflows_the_maximum(bool useJitter)
    {
        var maximum = TimeSpan.FromSeconds(30);

        var delays = await FailThenSucceedAsync(new BackoffOptions(TimeSpan.FromMilliseconds(200), maximum, useJitter), failures: 120);

        Assert.Equal(120, delays.Count);
        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, maximum));
    }

    [Fact]
    public async Task Cancellation_ends_the_loop_while_it_waits()
    {
        var clock = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var attempts = 0;
        var pipeline = Backoff.Create(new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), UseJitter: false), clock,
            exception => exception is IOException, (_, _) => stopping.Cancel());

        var run = pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new IOException("the broker is away");
        }, stopping.Token).AsTask();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(s_timeout));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task An_exception_it_does_not_retry_ends_the_loop_at_once()
    {
        var pipeline = Backoff.Create(new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), UseJitter: false), new FakeTimeProvider(),
            exception => exception is IOException);

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ExecuteAsync(_ => throw new InvalidOperationException("a bug")).AsTask());
    }

    [Fact]
    public async Task A_cancelled_attempt_is_not_retried()
    {
        var attempts = 0;
        var pipeline = Backoff.Create(new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), UseJitter: false), new FakeTimeProvider(),
            _ => true);

        await Assert.ThrowsAsync<OperationCanceledException>(() => pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            throw new OperationCanceledException();
        }).AsTask());
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Each_run_starts_over_at_the_initial_delay()
    {
        var options = new BackoffOptions(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), UseJitter: false);
        var clock = new FakeTimeProvider();
        var retries = Channel.CreateUnbounded<TimeSpan>();
        var pipeline = Backoff.Create(options, clock, exception => exception is IOException, (_, delay) => retries.Writer.TryWrite(delay));

        var first = await RunAsync(pipeline, clock, retries.Reader, failures: 3);
        var second = await RunAsync(pipeline, clock, retries.Reader, failures: 2);

        Assert.Equal([100, 200, 400], first.Select(d => d.TotalMilliseconds));
        Assert.Equal([100, 200], second.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task A_result_pipeline_retries_the_results_it_is_told_to()
    {
        var clock = new FakeTimeProvider();
        var retries = Channel.CreateUnbounded<TimeSpan>();
        var answers = new Queue<string>(["refused", "refused", "cosigned"]);
        var pipeline = Backoff.Create<string>(new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), UseJitter: false), clock,
            outcome => outcome.Result == "refused", (outcome, delay) =>
            {
                Assert.Equal("refused", outcome.Result);
                retries.Writer.TryWrite(delay);
            });

        var run = pipeline.ExecuteAsync(_ => ValueTask.FromResult(answers.Dequeue())).AsTask();
        foreach (var expected in new[] { 1, 2 })
        {
            var delay = await retries.Reader.ReadAsync().AsTask().WaitAsync(s_timeout);
            Assert.Equal(TimeSpan.FromSeconds(expected), delay);
            clock.Advance(delay);
        }

        Assert.Equal("cosigned", await run.WaitAsync(s_timeout));
    }

    [Fact]
    public void Delays_out_of_range_are_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Create(new BackoffOptions(TimeSpan.Zero, TimeSpan.FromSeconds(1), false), TimeProvider.System, _ => true));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Create(BackoffOptions.FromMilliseconds(500, 100, useJitter: true), TimeProvider.System, _ => true));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Create(new BackoffOptions(TimeSpan.FromSeconds(1), TimeSpan.FromDays(2), false), TimeProvider.System, _ => true));
    }

    /// <summary>Runs an operation that fails <paramref name="failures"/> times on a fresh pipeline; returns the delays it waited.</summary>
    private static async Task<List<TimeSpan>> FailThenSucceedAsync(BackoffOptions options, int failures)
    {
        var clock = new FakeTimeProvider();
        var retries = Channel.CreateUnbounded<TimeSpan>();
        var pipeline = Backoff.Create(options, clock, exception => exception is IOException, (_, delay) => retries.Writer.TryWrite(delay));
        return await RunAsync(pipeline, clock, retries.Reader, failures);
    }

    /// <summary>
    /// Runs an operation that fails <paramref name="failures"/> times, moving the fake clock on by each delay the pipeline
    /// announces (and again while the next attempt has not started: the clock may move before the pipeline's timer exists).
    /// </summary>
    private static async Task<List<TimeSpan>> RunAsync(ResiliencePipeline pipeline, FakeTimeProvider clock, ChannelReader<TimeSpan> retries, int failures)
    {
        var attempts = 0;
        using var attemptStarted = new SemaphoreSlim(0);
        var run = pipeline.ExecuteAsync(_ =>
        {
            attempts++;
            attemptStarted.Release();
            return attempts <= failures ? throw new IOException("down") : ValueTask.CompletedTask;
        }).AsTask();

        var delays = new List<TimeSpan>();
        await attemptStarted.WaitAsync(s_timeout);
        for (var i = 0; i < failures; i++)
        {
            var delay = await retries.ReadAsync().AsTask().WaitAsync(s_timeout);
            delays.Add(delay);
            var advances = 0;
            do
            {
                clock.Advance(delay);
                Assert.True(++advances < 600, "the next attempt did not start");
            }
            while (!await attemptStarted.WaitAsync(TimeSpan.FromMilliseconds(50)));
        }

        await run.WaitAsync(s_timeout);
        return delays;
    }
}
