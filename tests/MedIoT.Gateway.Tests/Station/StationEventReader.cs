using System.Text.Json;
using System.Threading.Channels;

namespace MedIoT.Gateway.Tests.Station;

/// <summary>
/// A station's <c>GET /station/events</c> read as a browser's EventSource reads it (HTML Living Standard, "Server-sent
/// events"): <c>event:</c> and <c>data:</c> lines up to a blank line make one message; comments and <c>retry:</c> are kept apart.
/// </summary>
internal sealed class StationEventReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<(string Event, JsonElement Data)> _messages = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    private StationEventReader(HttpResponseMessage response)
    {
        _response = response;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The <c>retry:</c> value the stream opened with, once read.</summary>
    public string? Retry { get; private set; }

    public static async Task<StationEventReader> OpenAsync(HttpClient client)
    {
        var response = await client.GetAsync("/station/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new StationEventReader(response);
    }

    /// <summary>The next message matching <paramref name="match"/>; earlier messages that do not match are returned in <paramref name="skipped"/>.</summary>
    public async Task<(string Event, JsonElement Data)> NextAsync(Func<string, JsonElement, bool> match, List<(string Event, JsonElement Data)> skipped, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var message = await _messages.Reader.ReadAsync(deadline.Token);
            if (match(message.Event, message.Data))
            {
                return message;
            }

            skipped.Add(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _pump;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
        }

        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
        string? eventName = null;
        string? data = null;
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    _messages.Writer.TryWrite((eventName ?? "message", JsonDocument.Parse(data).RootElement.Clone()));
                }

                (eventName, data) = (null, null);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = data is null ? line["data: ".Length..] : data + "\n" + line["data: ".Length..];
            }
            else if (line.StartsWith("retry: ", StringComparison.Ordinal))
            {
                Retry = line["retry: ".Length..];
            }
        }
    }
}
