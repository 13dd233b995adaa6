using System.Text.Json;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Support;

/// <summary>
/// A script added to every page of a browser context before the station's own scripts run. It notes, on the browser's
/// clock (the machine's, like the gateway's and the tests'), when each alarm element (<c>data-testid="alarm-ID"</c>) and
/// each "acknowledged by" line first appeared in the page, and every live <c>alarm</c> event the page's EventSource
/// received with its <c>publishedAt</c>. It reads only; the station works as without it.
/// </summary>
internal static class StationPageProbe
{
    private const string Script = """
        (() => {
          const seen = {};
          const events = [];
          window.__stationProbe = { seen, events };
          const note = () => {
            for (const node of document.querySelectorAll('[data-testid^="alarm-"], [data-testid^="acknowledged-by-"]')) {
              const id = node.dataset.testid;
              if (!(id in seen)) seen[id] = { at: Date.now(), text: node.textContent };
            }
          };
          new MutationObserver(note).observe(document, { subtree: true, childList: true });
          const Original = window.EventSource;
          window.EventSource = class extends Original {
            constructor(...args) {
              super(...args);
              this.addEventListener("alarm", event => events.push({ receivedAt: Date.now(), data: JSON.parse(event.data) }));
            }
          };
        })();
        """;

    /// <summary>Adds the probe to every page <paramref name="context"/> opens from now on.</summary>
    public static Task InstallAsync(IBrowserContext context) => context.AddInitScriptAsync(Script);

    /// <summary>When the element <paramref name="testId"/> first appeared (Unix milliseconds), and its text then; null if never.</summary>
    public static async Task<(DateTimeOffset At, string Text)?> FirstSeenAsync(IPage page, string testId)
    {
        var seen = await page.EvaluateAsync<JsonElement>("id => window.__stationProbe.seen[id] ?? null", testId);
        return seen.ValueKind == JsonValueKind.Null
            ? null
            : (DateTimeOffset.FromUnixTimeMilliseconds((long)seen.GetProperty("at").GetDouble()), seen.GetProperty("text").GetString() ?? string.Empty);
    }

    /// <summary>The live alarm events the page received: when, and the event as sent (with <c>publishedAt</c>).</summary>
    public static async Task<IReadOnlyList<(DateTimeOffset ReceivedAt, JsonElement Event)>> AlarmEventsAsync(IPage page)
    {
        var events = await page.EvaluateAsync<JsonElement>("() => window.__stationProbe.events");
        return [.. events.EnumerateArray().Select(e => (DateTimeOffset.FromUnixTimeMilliseconds((long)e.GetProperty("receivedAt").GetDouble()), e.GetProperty("data")))];
    }
}
