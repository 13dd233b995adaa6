using System.Net;
using System.Text.Json;
using MedIoT.Gateway.Tests.Integration;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Http;

/// <summary>The gateway's HTTP surface, served by the running gateway on a free loopback port.</summary>
public sealed class HealthEndpointTests(GatewayFixture ward) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Health_reports_the_running_gateway_its_ingestion_totals_and_its_storage_backlog()
    {
        var address = await ward.HttpAddress.WaitAsync(s_timeout);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(address.Host)));

        await using (var device = await ward.ConnectDeviceAsync(0))
        {
            var frame = await device.PublishNextAsync(CancellationToken.None);
            await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= frame.Observations.Count, s_timeout);
            await ward.JournalStatistics.WaitUntilAsync(s => s.WriterPosition == ward.Journal.Size, s_timeout);
        }

        using var http = new HttpClient { BaseAddress = address };
        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.True(body.RootElement.GetProperty("framesAccepted").GetInt64() >= 1);
        Assert.Equal(ward.Statistics.ObservationsStored, body.RootElement.GetProperty("readingsStored").GetInt64());
        Assert.Equal(ward.Journal.Size, body.RootElement.GetProperty("journalSize").GetInt64());
        Assert.Equal(ward.Journal.Size, body.RootElement.GetProperty("influxWriterPosition").GetInt64());
        Assert.Equal(0, body.RootElement.GetProperty("influxLagEntries").GetInt64());
        Assert.Equal(0, body.RootElement.GetProperty("influxLagSeconds").GetDouble());
        Assert.Equal(0, body.RootElement.GetProperty("influxPointsRefused").GetInt64());
        var p50 = body.RootElement.GetProperty("journalLatencyP50Milliseconds").GetDouble();
        Assert.InRange(p50, 0.05, 10_000);
        Assert.InRange(body.RootElement.GetProperty("journalLatencyP99Milliseconds").GetDouble(), p50, 10_000);
        Assert.False(response.Headers.Contains("Server"));
        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_refused_without_touching_the_gateway()
    {
        using var http = new HttpClient { BaseAddress = await ward.HttpAddress.WaitAsync(s_timeout) };
        using (var missing = await http.GetAsync(new Uri("/nothing-here", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using var content = new ByteArrayContent(new byte[200_000]);
        using var post = await http.PostAsync(new Uri("/health", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        ward.Logs.AssertNoErrors();
    }
}
