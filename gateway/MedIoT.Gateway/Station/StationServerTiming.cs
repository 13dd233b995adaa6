using System.Globalization;
using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Station;

/// <summary>
/// Tells how long the gateway worked on each station answer (pages, JSON, assets): <c>Server-Timing: app;dur=</c>
/// milliseconds (W3C Server Timing, "The Server-Timing Header Field"), measured from after sign-in and routing to the
/// moment the response's headers are sent, which for the pages and the JSON is after the whole body was built. A
/// browser's developer tools show it next to the network time; the station benchmark (docs/benchmarks/station.md)
/// reads it. It carries one duration, nothing about the ward.
/// </summary>
internal sealed class StationServerTiming(TimeProvider timeProvider) : IGatewayHttpSetup
{
    private static readonly PathString s_station = new("/station");

    public void ConfigureServices(IServiceCollection services)
    {
        // Needs no services of its own.
    }

    public void ConfigurePipeline(WebApplication app) => app.Use(TimeAsync);

    private Task TimeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments(s_station))
        {
            var started = timeProvider.GetTimestamp();
            context.Response.OnStarting(() =>
            {
                var milliseconds = timeProvider.GetElapsedTime(started).TotalMilliseconds;
                context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={milliseconds:0.###}");
                return Task.CompletedTask;
            });
        }

        return next(context);
    }
}
