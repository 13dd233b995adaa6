using System.ComponentModel.DataAnnotations;
using MedIoT.Cryptography;
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
using Microsoft.Extensions.Logging.Console;

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

    /// <summary>Builds and starts the service.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it.</exception>
    public static async Task<LedgerServer> StartAsync(string[] args, Action<IConfigurationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (settingsPath, required, remaining) = FindSettingsFile(args);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = remaining });
        var fullPath = Path.GetFullPath(settingsPath);
        if (required && !File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The settings file '{fullPath}' does not exist.", fullPath);
        }

        var settingsFolder = Path.GetDirectoryName(fullPath)!;
        builder.Configuration.AddJsonFile(fullPath, optional: !required, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("MEDIOT_");
        builder.Configuration.AddCommandLine(remaining);
        configure?.Invoke(builder.Configuration);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });

        var options = new LedgerOptions();
        builder.Configuration.GetSection(LedgerOptions.SectionName).Bind(options);
        Validate(options);
        var witnesses = ParseWitnesses(options);
        var registry = GatewayRegistry.Load(Resolve(settingsFolder, options.RegistryFile));
        var key = LoadOrCreateKey(Resolve(settingsFolder, options.KeyFile));
        ILedgerStore store = options.Storage.Provider == LedgerStorageProvider.Postgres
            ? new PostgresLedgerStore(options.Storage.PostgresConnectionString)
            : new SqliteLedgerStore(Resolve(settingsFolder, options.Storage.SqlitePath));
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
#pragma warning disable CA2000 // Registered as a singleton instance; disposed with the server.
            var statistics = new LedgerStatistics();
#pragma warning restore CA2000
            services.AddSingleton(statistics);
            services.AddSingleton(TimeProvider.System);
            ForkAlarmPublisher? alarms = null;
            if (options.Alarm.Mqtt is { } mqtt)
            {
                services.AddSingleton(provider => alarms = new ForkAlarmPublisher(mqtt, statistics, TimeProvider.System, provider.GetRequiredService<ILoggerFactory>()));
                services.AddHostedService(provider => provider.GetRequiredService<ForkAlarmPublisher>());
            }

            services.AddSingleton(provider => new AnchorWriter(store, tree, signer, book, witnessKeys, state.LatestAnchors,
                options.Alarm.Mqtt is null ? null : provider.GetRequiredService<ForkAlarmPublisher>(), statistics, TimeProvider.System,
                provider.GetRequiredService<ILogger<AnchorWriter>>(), options.QueueCapacity, options.MaximumBatchSize));
            services.AddHostedService(provider => provider.GetRequiredService<AnchorWriter>());
            if (witnesses.Count > 0)
            {
#pragma warning disable CA2000 // The collector owns and disposes its HttpClient.
                services.AddHostedService(provider => new WitnessCollector(witnesses, state.WitnessSizes, book, tree, store, new HttpClient(),
                    TimeSpan.FromMilliseconds(options.WitnessRequestTimeoutMilliseconds), statistics, TimeProvider.System,
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
                options.RequiredCosignatures, TimeSpan.FromMilliseconds(options.ReceiptCosignatureWaitMilliseconds), statistics, TimeProvider.System,
                app.Services.GetRequiredService<ILogger<LedgerEndpoints>>()).Map(app);
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

    private static void Validate(LedgerOptions options)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException("Invalid Ledger settings: " + string.Join("; ", results.Select(r => r.ErrorMessage)));
        }

        if (!NoteVerifierKey.IsValidKeyName(options.Origin))
        {
            throw new InvalidOperationException($"Ledger:Origin '{options.Origin}' is not a valid key name (no spaces or '+'), e.g. mediot.example/ledger.");
        }

        if (options.Storage.Provider == LedgerStorageProvider.Postgres && string.IsNullOrWhiteSpace(options.Storage.PostgresConnectionString))
        {
            throw new InvalidOperationException("Ledger:Storage:Provider is Postgres but Ledger:Storage:PostgresConnectionString is empty; set it, e.g. 'Host=db;Database=ledger;Username=ledger'.");
        }

        if (options.RequiredCosignatures > options.Witnesses.Count)
        {
            throw new InvalidOperationException(
                $"Ledger:RequiredCosignatures is {options.RequiredCosignatures} but only {options.Witnesses.Count} witnesses are configured in Ledger:Witnesses.");
        }
    }

    private static List<WitnessEndpoint> ParseWitnesses(LedgerOptions options)
    {
        var list = new List<WitnessEndpoint>();
        for (var i = 0; i < options.Witnesses.Count; i++)
        {
            var witness = options.Witnesses[i];
            if (!WitnessKey.TryParse(witness.VerifierKey, out var key, out var error))
            {
                throw new InvalidOperationException($"Ledger:Witnesses:{i}:VerifierKey does not parse as a cosignature/v1 key ({error}).");
            }

            if (witness.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"Ledger:Witnesses:{i}:Url must be an absolute http(s) URL, e.g. http://witness.example:8091/.");
            }

            if (list.Any(w => w.Name == key.Name))
            {
                throw new InvalidOperationException($"Ledger:Witnesses:{i}: the witness '{key.Name}' is listed twice.");
            }

            var baseUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
            list.Add(new WitnessEndpoint(key, new Uri(baseUrl, "add-checkpoint")));
        }

        return list;
    }

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

    private static string Resolve(string folder, string path) => Path.GetFullPath(Path.Combine(folder, path));

    private static (string Path, bool Required, string[] Remaining) FindSettingsFile(string[] args)
    {
        var remaining = new List<string>();
        string? path = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--settings" && i + 1 < args.Length)
            {
                path = args[++i];
            }
            else
            {
                remaining.Add(args[i]);
            }
        }

        path ??= Environment.GetEnvironmentVariable("MEDIOT_LEDGER_SETTINGS") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        return path is null ? (Path.Combine("configs", "ledger.json"), false, [.. remaining]) : (path, true, [.. remaining]);
    }
}
