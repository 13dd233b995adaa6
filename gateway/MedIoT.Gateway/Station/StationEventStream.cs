using MedIoT.Gateway.Alerts.Delivery.Stations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MedIoT.Gateway.Station;

/// <summary>
/// <c>GET /station/events</c>: server-sent events (HTML Living Standard, "Server-sent events") of the alarm broadcast,
/// filtered by role: care-team messages to those who see the ward, IT-channel messages to IT. Messages are
/// <c>event: alarm</c> (an alarm event with <c>publishedAt</c>), <c>event: bed</c> (a place's alarms after they changed),
/// <c>event: resync</c> (events were lost: fetch the snapshot again); a <c>: keep-alive</c> comment every 15 s keeps
/// proxies from closing a quiet stream, and <c>retry: 2000</c> asks the browser to reconnect after 2 s.
/// </summary>
internal sealed class StationEventStream(AlarmBroadcast broadcast, StationStatistics statistics, TimeProvider timeProvider)
{
    /// <summary>How often a quiet stream gets a comment.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private static readonly byte[] s_opening = "retry: 2000\n\n"u8.ToArray();
    private static readonly byte[] s_keepAlive = ": keep-alive\n\n"u8.ToArray();
    private static readonly byte[] s_resync = "event: resync\ndata: {}\n\n"u8.ToArray();
    private static readonly byte[] s_alarm = "event: alarm\ndata: "u8.ToArray();
    private static readonly byte[] s_bed = "event: bed\ndata: "u8.ToArray();
    private static readonly byte[] s_end = "\n\n"u8.ToArray();

    public async Task StreamAsync(HttpContext context)
    {
        var user = context.User;
        using var subscription = broadcast.Subscribe(StationRoles.SeesWard(user), StationRoles.SeesIt(user));
        var response = context.Response;
        StationPages.Secure(response);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = ending.Token;
        var body = response.Body;
        try
        {
            await body.WriteAsync(s_opening, cancellationToken).ConfigureAwait(false);
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            var reader = subscription.Reader;
            Task<bool>? waiting = null;
            while (true)
            {
                waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                try
                {
                    if (!await waiting.WaitAsync(KeepAlive, timeProvider, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                catch (TimeoutException)
                {
                    await body.WriteAsync(s_keepAlive, cancellationToken).ConfigureAwait(false);
                    await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                waiting = null;
                if (subscription.TakeResync())
                {
                    statistics.RecordResync();
                    await body.WriteAsync(s_resync, cancellationToken).ConfigureAwait(false);
                }

                while (reader.TryRead(out var message))
                {
                    await body.WriteAsync(message.Kind == AlarmBroadcastKind.Alarm ? s_alarm : s_bed, cancellationToken).ConfigureAwait(false);
                    // The documents are single-line JSON (Utf8JsonWriter without indentation): one data line each.
                    await body.WriteAsync(message.Json, cancellationToken).ConfigureAwait(false);
                    await body.WriteAsync(s_end, cancellationToken).ConfigureAwait(false);
                    statistics.RecordEventSent();
                }

                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The station went away or the gateway stops: the stream simply ends.
        }
    }

}
