using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Http;

/// <summary>
/// Runs the gateway's HTTP surface: a Kestrel server of its own whose routes come from every registered
/// <see cref="IGatewayEndpoints"/>. It is kept apart from the worker's host so the data path never waits on it;
/// route handlers use the gateway's singletons that their contributor was constructed with.
/// </summary>
public sealed class GatewayHttpServer(
    IOptions<HttpOptions> options,
    IEnumerable<IGatewayEndpoints> contributors,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly HttpOptions _options = options.Value;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

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
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaximumRequestBodyBytes;
        });
        builder.WebHost.UseUrls(_options.Url.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();
        app.UseRouting();
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
    }
}
