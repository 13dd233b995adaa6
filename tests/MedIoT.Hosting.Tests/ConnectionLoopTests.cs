namespace MedIoT.Hosting.Tests;

public sealed class ConnectionLoopTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_backoff_waits_before_each_attempt_after_a_loss_and_starts_over_once_connected()
    {
        // Milliseconds on the real clock, no jitter: the delays the pipeline reports are exact and the test takes a few ms.
        var delays = new List<double>();
        var backoff = Backoff.Create<Connection>(new BackoffOptions(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(8), UseJitter: false),
            TimeProvider.System, attempt => attempt.Exception is IOException, (_, delay) => delays.Add(delay.TotalMilliseconds));
        var refusals = new Queue<bool>([true, true, false, true, false]);
        var made = new List<Connection>();
        var servingSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        var loop = ConnectionLoop.RunAsync(backoff,
            _ =>
            {
                if (refusals.Dequeue())
                {
                    throw new IOException("refused");
                }

                var connection = new Connection(made.Count + 1);
                made.Add(connection);
                return ValueTask.FromResult(connection);
            },
            async (connection, token) =>
            {
                if (connection.Number == 1)
                {
                    throw new IOException("lost");
                }

                servingSecond.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
            },
            stop.Token);

        await servingSecond.Task.WaitAsync(s_timeout);
        await stop.CancelAsync();
        await loop.WaitAsync(s_timeout);

        // Refused, refused, connected (1); lost, refused, connected (2): the wait after the loss starts over at 1 ms.
        Assert.Equal([1, 2, 1, 2], delays);
        Assert.Equal([1, 2], made.Select(connection => connection.Number));
        Assert.All(made, connection => Assert.True(connection.Disposed, $"connection {connection.Number} was not disposed"));
    }

    [Fact]
    public async Task A_failure_the_backoff_does_not_retry_ends_the_loop_with_it()
    {
        var backoff = Backoff.Create<Connection>(new BackoffOptions(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(8), UseJitter: false),
            TimeProvider.System, attempt => attempt.Exception is IOException);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectionLoop.RunAsync(backoff,
            _ => throw new InvalidOperationException("a setting is wrong"), (_, _) => Task.CompletedTask, CancellationToken.None).WaitAsync(s_timeout));

        Assert.Equal("a setting is wrong", failure.Message);
    }

    private sealed class Connection(int number) : IAsyncDisposable
    {
        public int Number { get; } = number;

        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
