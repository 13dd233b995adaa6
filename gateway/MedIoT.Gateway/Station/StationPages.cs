using System.Text;
using System.Text.Encodings.Web;
using MedIoT.Alerts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Station;

/// <summary>
/// The station's pages as server-rendered shells: the header every page has (ward, the signed-in person and role,
/// sign-out, connection and sound state), the banners, and an empty main part that the page's script fills from
/// <c>/station/api/...</c>. Every value is HTML-encoded; the pages carry no script of their own (the
/// Content-Security-Policy forbids inline script) and the anti-forgery request token in <c>meta name="csrf-token"</c>.
/// </summary>
internal static class StationPages
{
    /// <summary>
    /// The pages' Content-Security-Policy (CSP Level 3): everything from the gateway itself, no inline script or style
    /// element, no framing, forms only to the gateway.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The overview page.</summary>
    public static IResult Overview(HttpContext context, IReadOnlyList<string> wards) =>
        Page(context, "overview", "Ward " + string.Join(", ", wards), wards, bed: null, """
            <section class="gateway-alarms" id="gateway-alarms" data-testid="gateway-alarms" hidden></section>
            <section class="tiles" id="tiles" data-testid="tiles" aria-live="polite"><p class="loading">Loading the ward…</p></section>
            """);

    /// <summary>The bed view.</summary>
    public static IResult Bed(HttpContext context, IReadOnlyList<string> wards, BedLocation bed)
    {
        var mayAct = StationRoles.MayAct(context.User);
        var form = mayAct ? """
            <section class="panel" id="observations">
              <h2>Staff observations</h2>
              <form id="observation-form" data-testid="observation-form">
                <label>Consciousness (ACVPU)
                  <select name="consciousness" id="consciousness" data-testid="consciousness">
                    <option value="">(unchanged)</option>
                    <option value="A">A — Alert</option>
                    <option value="C">C — New confusion</option>
                    <option value="V">V — Responds to voice</option>
                    <option value="P">P — Responds to pain</option>
                    <option value="U">U — Unresponsive</option>
                  </select>
                </label>
                <label>Oxygen
                  <select name="onOxygen" id="on-oxygen" data-testid="on-oxygen">
                    <option value="">(unchanged)</option>
                    <option value="false">Air</option>
                    <option value="true">Supplemental oxygen</option>
                  </select>
                </label>
                <button type="submit" data-testid="record-observation">Record</button>
                <span id="observation-result" data-testid="observation-result" role="status"></span>
              </form>
            </section>
            """ : string.Empty;
        // Everyone who sees the bed sees whether bed-exit monitoring is armed; nurses and physicians get the control.
        var bedExitControl = mayAct
            ? """<button type="button" id="bed-exit-toggle" data-testid="bed-exit-toggle" hidden></button>"""
            : string.Empty;
        var ward = HtmlEncoder.Default.Encode(bed.Ward.ToString());
        var bedId = HtmlEncoder.Default.Encode(bed.Bed.ToString());
        return Page(context, "bed", $"Bed {bed.Ward}/{bed.Bed}", wards, bed, $$"""
            <p class="crumbs"><a href="/station">Overview</a> › Ward {{ward}} › Bed {{bedId}}</p>
            <section class="tiles single" id="tiles" data-testid="tiles"><p class="loading">Loading the bed…</p></section>
            <section class="panel" id="trends-panel">
              <h2>Trends</h2>
              <div class="windows" role="group" aria-label="Trend window">
                <button type="button" data-hours="1" data-testid="trend-window-1">1 h</button>
                <button type="button" data-hours="4" data-testid="trend-window-4">4 h</button>
                <button type="button" data-hours="12" data-testid="trend-window-12">12 h</button>
                <button type="button" data-hours="24" data-testid="trend-window-24">24 h</button>
              </div>
              <p class="unavailable" id="trends-unavailable" data-testid="trends-unavailable" hidden></p>
              <div id="trends" class="trends" data-testid="trends"></div>
            </section>
            <section class="panel" id="news2-panel">
              <h2>NEWS2</h2>
              <div id="news2" data-testid="news2"></div>
            </section>
            <section class="panel" id="bed-exit-panel">
              <h2>Bed-exit monitoring</h2>
              <p><span id="bed-exit-state" data-testid="bed-exit-state">…</span> {{bedExitControl}}
                <span id="bed-exit-result" data-testid="bed-exit-result" role="status"></span></p>
            </section>
            {{form}}
            <section class="panel" id="history-panel">
              <h2>Alarm history (24 h)</h2>
              <p class="unavailable" id="history-unavailable" data-testid="history-unavailable" hidden></p>
              <table class="history" id="history" data-testid="alarm-history">
                <thead><tr><th>Time</th><th>Event</th><th>Priority</th><th>Condition</th><th>By</th></tr></thead>
                <tbody></tbody>
              </table>
            </section>
            """);
    }

    /// <summary>The IT view.</summary>
    public static IResult It(HttpContext context, IReadOnlyList<string> wards) =>
        Page(context, "it", "Gateway (IT)", wards, bed: null, """
            <section class="panel" id="health-panel"><h2>Gateway health</h2><div id="health" data-testid="health"></div></section>
            <section class="panel" id="security-panel"><h2>Security alarms (IT channel)</h2><div id="security-alarms" data-testid="security-alarms"></div></section>
            <section class="panel" id="devices-panel"><h2>Devices</h2><div id="devices" data-testid="devices"></div></section>
            <section class="panel" id="ports-panel"><h2>Serial ports</h2><div id="serial-ports" data-testid="serial-ports"></div></section>
            """);

    private static IResult Page(HttpContext context, string page, string title, IReadOnlyList<string> wards, BedLocation? bed, string main)
    {
        var encode = HtmlEncoder.Default;
        var user = context.User;
        var name = user.Identity?.Name ?? string.Empty;
        var roles = string.Join(", ", Access.StaffRoles.All.Where(user.IsInRole));
        // The anti-forgery cookie is Secure (Access/): over plain HTTP (a machine client with a bearer token, which needs no
        // token) there is none to pair with, and the page carries an empty token.
        var token = context.Request.IsHttps ? context.RequestServices.GetService<IAntiforgery>()?.GetAndStoreTokens(context).RequestToken ?? string.Empty : string.Empty;
        var bedAttributes = bed is { } place ? $" data-ward=\"{encode.Encode(place.Ward.ToString())}\" data-bed=\"{encode.Encode(place.Bed.ToString())}\"" : string.Empty;
        var itLink = StationRoles.SeesIt(user) ? """<a href="/station/it" data-testid="nav-it">IT view</a>""" : string.Empty;
        var overviewLink = StationRoles.SeesWard(user) ? """<a href="/station" data-testid="nav-overview">Overview</a>""" : string.Empty;
        var html = new StringBuilder(4096).Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="{{encode.Encode(token)}}">
            <title>{{encode.Encode(title)}} — MedIoT station</title>
            <link rel="stylesheet" href="/station/assets/station.css">
            <script src="/station/assets/station.js" defer></script>
            <script src="/station/assets/{{page}}.js" defer></script>
            </head>
            <body data-page="{{page}}" data-may-act="{{(StationRoles.MayAct(user) ? "true" : "false")}}"{{bedAttributes}}>
            <header class="station-header">
              <span class="ward-name" data-testid="ward-name">Ward {{encode.Encode(string.Join(", ", wards))}}</span>
              <nav>{{overviewLink}} {{itLink}}</nav>
              <span class="signed-in" data-testid="signed-in"><span data-testid="user-name">{{encode.Encode(name)}}</span> (<span data-testid="user-roles">{{encode.Encode(roles)}}</span>)</span>
              <span class="connection" id="connection-state" data-testid="connection-state">Connecting…</span>
              <span class="sound" id="sound-state" data-testid="sound-state">Sound off</span>
              <form class="sign-out" method="post" action="/station/sign-out">
                <input type="hidden" name="__RequestVerificationToken" value="{{encode.Encode(token)}}">
                <button type="submit" data-testid="sign-out">Sign out</button>
              </form>
            </header>
            <div class="banner banner-lost" id="connection-lost" data-testid="connection-lost" role="alert" hidden>Connection to the gateway lost. Reconnecting…</div>
            <div class="banner banner-sound" id="sound-off" data-testid="sound-off" role="status">Alarm sound is off. <button type="button" id="enable-sound" data-testid="enable-sound">Enable alarm sound</button></div>
            <main id="main">
            {{main}}
            </main>
            </body>
            </html>
            """);
        Secure(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    /// <summary>The headers every station page and answer carries.</summary>
    public static void Secure(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
    }
}
