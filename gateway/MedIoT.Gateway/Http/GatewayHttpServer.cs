using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Http;

/// <summary>
/// Runs the gateway's HTTP surface: a Kestrel server of its own whose routes come from every registered
/// <see cref="IGatewayEndpoints"/>, its sign-in and other middleware from every <see cref="IGatewayHttpSetup"/>, over https
/// when <c>Gateway:Http:Url</c> says so. It is kept apart from the worker's host so the data path never waits on it;
/// route handlers use the gateway's singletons that their contributor was constructed with.
/// </summary>
public sealed class GatewayHttpServer(
    IOptions<HttpOptions> options,
    IEnumerable<IGatewayEndpoints> contributors,
    IEnumerable<IGatewayHttpSetup> setups,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly HttpOptions _options = options.Value;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private X509Certificate2? _certificate;

    /// <summary>The address the server listens on once started (with the real port when port 0 was asked for).</summary>
    public Task<Uri> Listening => _listening.Task;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("MedIoT.Gateway.Http");
        if (!_options.Enabled)
        {
            Log.HttpDisabled(logger);
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        foreach (var setup in setups)
        {
            setup.ConfigureServices(builder.Services);
        }

        var certificate = _certificate = _options.IsHttps ? LoadCertificate() : null;
        if (certificate is not null)
        {
            // The slim Kestrel of UseKestrelCore has no https until asked for.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaximumRequestBodyBytes;
            if (certificate is not null)
            {
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
        builder.WebHost.UseUrls(_options.Url.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();
        app.UseRouting();
        foreach (var setup in setups)
        {
            setup.ConfigurePipeline(app);
        }

        foreach (var contributor in contributors)
        {
            contributor.Map(app);
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = new Uri(app.Urls.First());
        Log.HttpListening(logger, address);
        _listening.TrySetResult(address);
    }

    /// <summary>
    /// The server certificate and its key from the PEM files of <c>Gateway:Http</c> (checked at start by the settings'
    /// validator). Exported and re-imported once: on Linux a key loaded from PEM is ephemeral, which TLS server
    /// authentication accepts, but the round trip gives a certificate whose key every TLS stack can use.
    /// </summary>
    private X509Certificate2 LoadCertificate()
    {
        using var pem = X509Certificate2.CreateFromPemFile(_options.CertificatePath, _options.CertificateKeyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        _certificate?.Dispose();
        _certificate = null;
    }
}
