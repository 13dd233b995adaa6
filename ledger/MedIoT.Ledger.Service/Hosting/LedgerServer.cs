using MedIoT.Cryptography;
using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Alarms;
using MedIoT.Ledger.Service.Anchoring;
using MedIoT.Ledger.Service.Http;
using MedIoT.Ledger.Service.Registry;
using MedIoT.Ledger.Service.Storage;
using MedIoT.Ledger.Service.Tree;
using MedIoT.Ledger.Service.Witnesses;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace MedIoT.Ledger.Service.Hosting;

/// <summary>
/// The running ledger service. Settings come, later ones winning, from the defaults, the settings file
/// (<c>--settings PATH</c>, else <c>MEDIOT_LEDGER_SETTINGS</c>, else <c>configs/ledger.json</c> when present),
/// environment variables prefixed <c>MEDIOT_</c> (<c>MEDIOT_Ledger__Url=...</c>) and the command line
/// (<c>--Ledger:Url=...</c>). Start-up opens the store, rebuilds the tree and checks the latest signed checkpoint
/// against it before anything is served.
/// </summary>
public sealed class LedgerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILedgerStore _store;
    private readonly Ed25519PrivateKey _key;

    private LedgerServer(WebApplication app, ILedgerStore store, Ed25519PrivateKey key, Uri url, NoteVerifierKey verifierKey)
    {
        _app = app;
        _store = store;
        _key = key;
        Url = url;
        VerifierKey = verifierKey;
    }

    /// <summary>Where the API listens (with the real port when port 0 was asked for).</summary>
    public Uri Url { get; }

    /// <summary>The ledger's verifier key.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>The service's container (tests read its <see cref="System.Diagnostics.Metrics.IMeterFactory"/> to list its instruments).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>
    /// Where mediot-ledger finds its settings file: <c>--settings PATH</c>, else <c>MEDIOT_LEDGER_SETTINGS</c>, else
    /// <c>configs/ledger.json</c> when present.
    /// </summary>
    public static SettingsFileSearch SettingsFileSearch { get; } = new("--settings", "MEDIOT_LEDGER_SETTINGS", Path.Combine("configs", "ledger.json"));

    /// <summary>Builds and starts the service. <paramref name="configure"/> lets tests add settings last.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names each one.</exception>
    /// <exception cref="InvalidOperationException">A setting's value cannot be read as its type.</exception>
    /// <exception cref="FileNotFoundException">The settings file named by <c>--settings</c> or <c>MEDIOT_LEDGER_SETTINGS</c> does not exist.</exception>
    /// <exception cref="InvalidDataException">The registry, the key file or the database is not usable; the message says how to fix it.</exception>
    public static async Task<LedgerServer> StartAsync(string[] args, Action<IConfigurationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settingsFile = SettingsFileSearch.Find(args);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [.. settingsFile.Arguments] });
        builder.AddSettingsFile(settingsFile, configure);
        builder.AddConsoleLogging();
        builder.AddSystemdService();
        builder.Services.AddSystemTimeProvider();

        // Every setting is checked before anything is touched: no key file or database is created on a start that cannot succeed.
        var validator = new LedgerOptionsValidator(settingsFile.Folder);
        var options = validator.GetValidated(builder.Configuration);
        var witnesses = WitnessEndpoints(options);
        var registry = GatewayRegistry.Load(settingsFile.Resolve(options.RegistryFile));
        var key = LoadOrCreateKey(settingsFile.Resolve(options.KeyFile));
        ILedgerStore store = options.Storage.Provider == LedgerStorageProvider.Postgres
            ? new PostgresLedgerStore(options.Storage.PostgresConnectionString)
            : new SqliteLedgerStore(settingsFile.Resolve(options.Storage.SqlitePath));
        try
        {
            var state = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            var tree = new LedgerTree();
            tree.Append(state.LeafHashes);
            var signer = new LedgerCheckpointSigner(options.Origin, key);
            var book = new CheckpointBook();
            var witnessKeys = witnesses.Select(w => w.Key).ToArray();
            if (state.LatestCheckpoint is { } latest)
            {
                signer.Resume(latest.Note, size => size <= tree.Size ? tree.RootHash(size) : null);
                if (signer.LastSigned!.Size != tree.Size)
                {
                    throw new InvalidDataException(
                        $"The ledger database holds {tree.Size} leaves but its latest checkpoint has size {signer.LastSigned.Size}. Restore the database.");
                }

                book.Add(latest.Size, latest.Note, witnessKeys);
            }
            else if (tree.Size != 0)
            {
                throw new InvalidDataException($"The ledger database holds {tree.Size} leaves but no checkpoint. Restore the database.");
            }

            var services = builder.Services;
            services.AddSingleton<LedgerStatistics>();
            if (options.MetricsEnabled)
            {
                // The ledger's own meter, and the MQTT client's (fork alarms), which is the process's (docs/metrics.md).
                services.AddPrometheusMetrics("mediot-ledger", [LedgerStatistics.MeterName], [Mqtt.MqttMetrics.MeterName]);
            }

            if (options.Alarm.Mqtt is { } mqtt)
            {
                var password = mqtt.PasswordFile.Length > 0 ? SecretFile.Read(validator.PasswordFilePath(mqtt)) : mqtt.Password;
                services.AddSingleton(provider => new ForkAlarmPublisher(mqtt, password, provider.GetRequiredService<LedgerStatistics>(), provider.GetRequiredService<TimeProvider>(),
                    provider.GetRequiredService<ILoggerFactory>()));
                services.AddHostedService(provider => provider.GetRequiredService<ForkAlarmPublisher>());
            }

            services.AddSingleton(provider => new AnchorWriter(store, tree, signer, book, witnessKeys, state.LatestAnchors,
                options.Alarm.Mqtt is null ? null : provider.GetRequiredService<ForkAlarmPublisher>(), provider.GetRequiredService<LedgerStatistics>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<AnchorWriter>>(), options.QueueCapacity, options.MaximumBatchSize));
            services.AddHostedService(provider => provider.GetRequiredService<AnchorWriter>());
            if (witnesses.Count > 0)
            {
#pragma warning disable CA2000 // The collector owns and disposes its HttpClient.
                services.AddHostedService(provider => new WitnessCollector(witnesses, state.WitnessSizes, book, tree, store, new HttpClient(),
                    TimeSpan.FromMilliseconds(options.WitnessRequestTimeoutMilliseconds), provider.GetRequiredService<LedgerStatistics>(),
                    provider.GetRequiredService<TimeProvider>(),
                    provider.GetRequiredService<ILogger<WitnessCollector>>()));
#pragma warning restore CA2000
            }

            services.AddRoutingCore();
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = options.MaximumRequestBodyBytes;
            });
            builder.WebHost.UseUrls(options.Url.GetLeftPart(UriPartial.Authority));
            var app = builder.Build();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MedIoT.Ledger.Service");
            Log.Starting(logger, options.Origin, tree.Size, registry.Count, witnesses.Count, options.RequiredCosignatures,
                options.Storage.Provider.ToString(), signer.VerifierKey.ToString());
            app.UseRouting();
            new LedgerEndpoints(registry, app.Services.GetRequiredService<AnchorWriter>(), book, tree, store, signer, witnesses.Count,
                options.RequiredCosignatures, TimeSpan.FromMilliseconds(options.ReceiptCosignatureWaitMilliseconds), app.Services.GetRequiredService<LedgerStatistics>(),
                app.Services.GetRequiredService<TimeProvider>(), app.Services.GetRequiredService<ILogger<LedgerEndpoints>>()).Map(app);
            if (options.MetricsEnabled)
            {
                app.MapPrometheusMetrics(app.Services);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var url = new Uri(app.Urls.First());
            Log.Listening(logger, url);
            return new LedgerServer(app, store, key, url, signer.VerifierKey);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            key.Dispose();
            throw;
        }
    }

    /// <summary>Completes when the service stops (SIGTERM, or a fatal error in the writer).</summary>
    public Task WaitForShutdownAsync() => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app);

    /// <summary>Stops the service.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
    }

    /// <summary>The witnesses of the validated settings, each with its add-checkpoint URL.</summary>
    private static List<WitnessEndpoint> WitnessEndpoints(LedgerOptions options) =>
        [.. options.Witnesses.Select(witness =>
        {
            if (!WitnessKey.TryParse(witness.VerifierKey, out var key, out _) || witness.Url is null)
            {
                throw new InvalidOperationException("The witness settings were not validated (LedgerOptionsValidator).");
            }

            var baseUrl = witness.Url.AbsoluteUri.EndsWith('/') ? witness.Url : new Uri(witness.Url.AbsoluteUri + "/");
            return new WitnessEndpoint(key, new Uri(baseUrl, "add-checkpoint"));
        })];

    private static Ed25519PrivateKey LoadOrCreateKey(string keyFile)
    {
        if (!File.Exists(keyFile))
        {
            var folder = Path.GetDirectoryName(keyFile)!;
            if (!Directory.Exists(folder) && !OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            using var generated = Ed25519PrivateKey.Generate();
            PrivateKeyFile.Write(keyFile, generated);
        }

        return PrivateKeyFile.Read(keyFile);
    }
}
