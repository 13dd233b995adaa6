using MedIoT.Cryptography;
using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Cosigning;
using MedIoT.Ledger.Witness.Evidence;
using MedIoT.Ledger.Witness.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedIoT.Ledger.Witness.Http;

/// <summary>
/// The running witness: its key, state, evidence folder and a Kestrel server of its own with <c>POST /add-checkpoint</c>,
/// <c>GET /health</c> and <c>GET /metrics</c>. Started the same way by <c>mediot-witness --config</c> and by tests (in process: reference
/// this project and call <see cref="StartAsync(WitnessOptions, ILoggerFactory, TimeProvider, CancellationToken)"/> with settings whose <c>Url</c> has port 0).
/// </summary>
public sealed class WitnessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WitnessMetrics _metrics;
    private readonly Ed25519PrivateKey _key;
    private readonly ILogger _logger;

    private WitnessServer(WebApplication app, CheckpointWitness witness, WitnessMetrics metrics, EvidenceStore evidence, Uri address, Ed25519PrivateKey key,
        ILogger logger)
    {
        _key = key;
        _app = app;
        Witness = witness;
        _metrics = metrics;
        Evidence = evidence;
        Address = address;
        _logger = logger;
    }

    /// <summary>The address the server listens on (with the real port when port 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>The key that verifies this witness's cosignatures (its vkey is <c>VerifierKey.ToString()</c>).</summary>
    public WitnessKey VerifierKey => Witness.VerifierKey;

    /// <summary>The witness core.</summary>
    internal CheckpointWitness Witness { get; }

    /// <summary>The evidence folder.</summary>
    internal EvidenceStore Evidence { get; }

    /// <summary>The counters.</summary>
    internal WitnessMetrics Metrics => _metrics;

    /// <summary>
    /// Starts the witness of <c>mediot-witness --config FILE</c>: settings from <paramref name="settingsFile"/> with
    /// environment variables prefixed <c>MEDIOT_</c> over it (<c>MEDIOT_Witness__Url=...</c>), relative paths resolved
    /// against the file's folder, console logging as the <c>Logging</c> section says, and the system clock.
    /// </summary>
    /// <exception cref="FileNotFoundException">The settings file does not exist.</exception>
    /// <exception cref="OptionsValidationException">A setting is invalid; the message names each one.</exception>
    /// <exception cref="InvalidOperationException">A setting cannot be read as its type, or the key file is open to others.</exception>
    /// <exception cref="InvalidDataException">The settings file is not JSON, or the key file or a state file is damaged.</exception>
    public static Task<WitnessServer> StartAsync(SettingsFile settingsFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settingsFile);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.AddSettingsFile(settingsFile);
        builder.AddConsoleLogging();
        builder.AddSystemdService();
        var options = new WitnessOptionsValidator().GetValidated(builder.Configuration);
        options.KeyFile = settingsFile.Resolve(options.KeyFile);
        options.StateFolder = settingsFile.Resolve(options.StateFolder);
        options.EvidenceFolder = settingsFile.Resolve(options.EvidenceFolder);
        return StartAsync(builder, options, cancellationToken);
    }

    /// <summary>
    /// Starts a witness in this process (tests, load harnesses) with settings built in code, logging to
    /// <paramref name="loggerFactory"/> and taking time from <paramref name="timeProvider"/>. Paths in
    /// <paramref name="options"/> must be absolute or relative to the working folder.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; the message names each one.</exception>
    /// <exception cref="InvalidOperationException">The key file is open to others; the message names the fix.</exception>
    /// <exception cref="InvalidDataException">The key file or a state file is damaged.</exception>
    public static Task<WitnessServer> StartAsync(WitnessOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        new WitnessOptionsValidator().ThrowIfInvalid(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(timeProvider);
        return StartAsync(builder, options, cancellationToken);
    }

    /// <summary>Loads the key (refusing one readable by others) and the state of validated settings, and starts listening.</summary>
    private static async Task<WitnessServer> StartAsync(WebApplicationBuilder builder, WitnessOptions options, CancellationToken cancellationToken)
    {
        var logs = TrustedLog.CreateAll(options.Logs);
        builder.Services.AddSystemTimeProvider();
        builder.Services.AddMetrics();
        if (options.MetricsEnabled)
        {
            builder.Services.AddPrometheusMetrics("mediot-witness", [WitnessMetrics.MeterName], []);
        }

        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaximumRequestBodyBytes;
        });
        builder.WebHost.UseUrls(options.Url.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();
        var timeProvider = app.Services.GetRequiredService<TimeProvider>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MedIoT.Ledger.Witness");
        Ed25519PrivateKey? key = null;
        WitnessMetrics? metrics = null;
        try
        {
            // Refuses a key file that group or others may read or write (PrivateKeyFile checks the open handle's mode).
            key = PrivateKeyFile.Read(options.KeyFile);
            var cosigner = new Cosigner(options.Name, key);
            var state = CosignedStateStore.Open(options.StateFolder, logs.Keys);
            foreach (var (origin, size) in state.Sizes())
            {
                Log.StateLoaded(logger, origin, size, state.Folder);
            }

            var evidence = new EvidenceStore(options.EvidenceFolder, options.MaximumEvidenceFiles, timeProvider);
            metrics = new WitnessMetrics(app.Services.GetRequiredService<IMeterFactory>());
            var witness = new CheckpointWitness(logs, state, evidence, options.MaximumEvidenceFiles, cosigner, timeProvider, metrics, logger);
            app.UseRouting();
            WitnessEndpoints.Map(app, witness, metrics, evidence, options.MaximumRequestBodyBytes, timeProvider);
            if (options.MetricsEnabled)
            {
                app.MapPrometheusMetrics(app.Services);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = new Uri(app.Urls.First());
            Log.Listening(logger, options.Name, address, cosigner.VerifierKey.ToString(), logs.Count);
            return new WitnessServer(app, witness, metrics, evidence, address, key, logger);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            metrics?.Dispose();
            key?.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening; requests in progress finish first.</summary>
    public async ValueTask DisposeAsync()
    {
        Log.Stopping(_logger);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _key.Dispose();
    }
}
