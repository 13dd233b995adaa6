using System.Diagnostics;
using System.Globalization;
using System.Net;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Station;

/// <summary>
/// <c>Server-Timing: app;dur=</c> (W3C Server Timing) on the station's answers, which the station benchmark reads
/// (docs/benchmarks/station.md): one metric, a duration in milliseconds no longer than the client's own round trip, and
/// only on the station's routes.
/// </summary>
public sealed class StationServerTimingTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    [Fact]
    public async Task The_overview_answer_carries_the_gateway_s_own_time_and_other_routes_do_not()
    {
        await using var gateway = await ward.StartGatewayAsync();
        var nurse = gateway.As("nurse.jones");

        var clock = Stopwatch.StartNew();
        using var overview = await nurse.GetAsync(new Uri("/station/api/overview", UriKind.Relative));
        var roundTrip = clock.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        var timing = Assert.Single(overview.Headers.GetValues("Server-Timing"));
        Assert.Matches(@"^app;dur=\d+(\.\d{1,3})?$", timing);
        var duration = double.Parse(timing["app;dur=".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(duration, 0, roundTrip);

        using var health = await nurse.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(health.Headers.Contains("Server-Timing"));
        gateway.Logs.AssertNoErrors();
    }
}
