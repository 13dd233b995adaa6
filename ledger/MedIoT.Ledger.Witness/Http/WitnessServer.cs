using System.ComponentModel.DataAnnotations;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Cosigning;
using MedIoT.Ledger.Witness.Evidence;
using MedIoT.Ledger.Witness.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MedIoT.Ledger.Witness.Http;

/// <summary>
/// The running witness: its key, state, evidence folder and a Kestrel server of its own with <c>POST /add-checkpoint</c>
/// and <c>GET /health</c>. Started the same way by <c>mediot-witness --config</c> and by tests (in process: reference
/// this project and call <see cref="StartAsync"/> with settings whose <c>Url</c> has port 0).
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
    /// Validates <paramref name="options"/>, loads the key (refusing one readable by others) and the state, and starts
    /// listening. Paths in <paramref name="options"/> must be absolute or relative to the working folder.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is invalid or the key file is open to others; the message names the fix.</exception>
    /// <exception cref="InvalidDataException">The key file or a state file is damaged.</exception>
    public static async Task<WitnessServer> StartAsync(WitnessOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validate(options, out var logs);
        var logger = loggerFactory.CreateLogger("MedIoT.Ledger.Witness");

        // Refuses a key file that group or others may read or write (PrivateKeyFile checks the open handle's mode).
        var key = PrivateKeyFile.Read(options.KeyFile);
        try
        {
            return await StartListeningAsync(options, logs, key, loggerFactory, logger, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static async Task<WitnessServer> StartListeningAsync(WitnessOptions options, IReadOnlyDictionary<string, TrustedLog> logs, Ed25519PrivateKey key,
        ILoggerFactory loggerFactory, ILogger logger, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var cosigner = new Cosigner(options.Name, key);
        var state = CosignedStateStore.Open(options.StateFolder, logs.Keys);
        foreach (var (origin, size) in state.Sizes())
        {
            Log.StateLoaded(logger, origin, size, state.Folder);
        }

        var evidence = new EvidenceStore(options.EvidenceFolder, options.MaximumEvidenceFiles, timeProvider);
        var metrics = new WitnessMetrics();
        var witness = new CheckpointWitness(logs, state, evidence, options.MaximumEvidenceFiles, cosigner, timeProvider, metrics, logger);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaximumRequestBodyBytes;
        });
        builder.WebHost.UseUrls(options.Url.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();
        app.UseRouting();
        WitnessEndpoints.Map(app, witness, metrics, evidence, options.MaximumRequestBodyBytes, timeProvider);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            metrics.Dispose();
            throw;
        }

        var address = new Uri(app.Urls.First());
        Log.Listening(logger, options.Name, address, cosigner.VerifierKey.ToString(), logs.Count);
        return new WitnessServer(app, witness, metrics, evidence, address, key, logger);
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

    private static void Validate(WitnessOptions options, out IReadOnlyDictionary<string, TrustedLog> logs)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException("Invalid witness settings: " + string.Join("; ", results.Select(r =>
                $"Witness:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}")));
        }

        if (!NoteVerifierKey.IsValidKeyName(options.Name))
        {
            throw new InvalidOperationException(
                $"Witness:Name '{options.Name}' is not a key name (non-empty, no spaces, '+' or control characters), e.g. witness.mediot.example/w1.");
        }

        if (options.Url.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"Witness:Url '{options.Url}' must be http://address:port; put TLS in a reverse proxy in front.");
        }

        if (!TrustedLog.TryCreateAll(options.Logs, out var trusted, out var error))
        {
            throw new InvalidOperationException(error);
        }

        logs = trusted;
    }
}
