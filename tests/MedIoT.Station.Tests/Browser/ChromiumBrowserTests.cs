using MedIoT.Station.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Browser;

/// <summary>The browser fixture itself: loopback only, and server-sent events pass its request routing unbuffered.</summary>
public sealed class ChromiumBrowserTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_page_reaching_outside_loopback_is_refused_and_the_request_listed()
    {
        // ".invalid" never resolves (RFC 2606 §2); the request is aborted before any lookup.
        await using var site = await LoopbackSite.StartAsync(app => app.MapGet("/", () => Results.Content(
            "<!doctype html><p id=\"here\">local</p><img src=\"http://outside.invalid/pixel.png\" alt=\"\">", "text/html")));
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var failed = new TaskCompletionSource<IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.RequestFailed += (_, request) => failed.TrySetResult(request);

        await page.GotoAsync(site.BaseAddress.ToString());
        var refused = await failed.Task.WaitAsync(s_timeout);

        Assert.Equal("local", await page.Locator("#here").TextContentAsync());
        Assert.Equal("http://outside.invalid/pixel.png", refused.Url);
        Assert.Contains("http://outside.invalid/pixel.png", chromium.BlockedRequests);
    }

    [Fact]
    public async Task Server_sent_events_reach_the_page_as_they_are_written_not_when_the_stream_ends()
    {
        var secondEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var site = await LoopbackSite.StartAsync(app =>
        {
            app.MapGet("/", () => Results.Content(
                "<!doctype html><ul id=\"log\"></ul><script>new EventSource('/events').onmessage = e => " +
                "document.getElementById('log').insertAdjacentHTML('beforeend', '<li>' + e.data + '</li>');</script>", "text/html"));
            app.MapGet("/events", async (HttpContext http) =>
            {
                http.Response.ContentType = "text/event-stream";
                await http.Response.WriteAsync("data: first\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                await secondEvent.Task.WaitAsync(s_timeout, http.RequestAborted);
                await http.Response.WriteAsync("data: second\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);

                // Held open like the station's stream until the browser goes: the events above must arrive while it is open.
                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var registration = http.RequestAborted.Register(() => closed.TrySetResult());
                await closed.Task;
            });
        });
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(site.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#log li")).ToHaveTextAsync(["first"], new() { Timeout = (float)s_timeout.TotalMilliseconds });
        secondEvent.SetResult();

        // The stream is still open, so "second" can only have come as it was written.
        await Assertions.Expect(page.Locator("#log li")).ToHaveTextAsync(["first", "second"], new() { Timeout = (float)s_timeout.TotalMilliseconds });
    }
}
