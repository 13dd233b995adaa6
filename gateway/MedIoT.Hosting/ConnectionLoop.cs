using Polly;

namespace MedIoT.Hosting;

/// <summary>
/// Keeps one connection for as long as a service runs: connect, serve the connection until it is lost, connect again,
/// waiting with a <see cref="Backoff"/> pipeline before every attempt after a loss or a failed connect. The backoff
/// starts over once a connection is made (each run of the pipeline ends with one), so a broker that comes back after a
/// long outage is used at once, and one that drops every connection at once is not hammered.
/// </summary>
public static class ConnectionLoop
{
    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires (then returns) or a failure <paramref name="backoff"/> does not
    /// retry ends it (then throws). <paramref name="serveUntilLost"/> must end only by throwing: the exception that says
    /// why the connection was lost, which the backoff's retry predicate then judges like a failed connect.
    /// </summary>
    public static async Task RunAsync<TConnection>(
        ResiliencePipeline<TConnection> backoff,
        Func<CancellationToken, ValueTask<TConnection>> connect,
        Func<TConnection, CancellationToken, Task> serveUntilLost,
        CancellationToken cancellationToken)
        where TConnection : class, IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(serveUntilLost);
        TConnection? open = null;
        try
        {
            while (true)
            {
                // One run per connection: its first attempt serves the connection the previous run made until that is lost,
                // its later attempts connect again; the run ends with the new connection.
                open = await backoff.ExecuteAsync(async token =>
                {
                    if (open is { } connection)
                    {
                        open = null;
                        await using (connection.ConfigureAwait(false))
                        {
                            await serveUntilLost(connection, token).ConfigureAwait(false);
                        }
                    }

                    return await connect(token).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (open is not null)
            {
                await open.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
