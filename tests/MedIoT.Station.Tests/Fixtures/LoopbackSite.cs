using MedIoT.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedIoT.Station.Tests.Fixtures;

/// <summary>
/// A tiny Kestrel site on 127.0.0.1 and a free port, the endpoint bound through Kestrel's own configuration
/// (<c>Kestrel:Endpoints:...:Url</c>, and <c>Certificate:Path</c>/<c>KeyPath</c> for HTTPS): an OAuth redirect URI that
/// receives a code, or a page served over HTTPS with a <see cref="TestCertificate"/>.
/// </summary>
internal sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackSite(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The site's address, e.g. <c>https://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts a site whose routes <paramref name="map"/> adds; over HTTPS when given a certificate.</summary>
    public static async Task<LoopbackSite> StartAsync(Action<WebApplication> map, TestCertificate? certificate = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Configuration["Kestrel:Endpoints:Site:Url"] = certificate is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0";
        if (certificate is not null)
        {
            builder.Configuration["Kestrel:Endpoints:Site:Certificate:Path"] = certificate.CertificatePath;
            builder.Configuration["Kestrel:Endpoints:Site:Certificate:KeyPath"] = certificate.KeyPath;
        }

        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LoopbackSite(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
