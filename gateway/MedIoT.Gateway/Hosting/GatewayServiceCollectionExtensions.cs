using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Broker;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Mqtt;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Storage.Influx;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Hosting;

/// <summary>Registers the gateway: settings, device registry, ingestion and storage.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway's services. <paramref name="settingsFolder"/> is where relative paths in the
    /// settings (the device registry) are resolved.
    /// </summary>
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration, string settingsFolder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        AddSettings<GatewayOptions>(services, configuration, GatewayOptions.SectionName);
        AddSettings<MqttOptions>(services, configuration, MqttOptions.SectionName, options =>
            options.ReconnectMaximumDelayMilliseconds < options.ReconnectInitialDelayMilliseconds
                ? [(nameof(MqttOptions.ReconnectMaximumDelayMilliseconds), "must not be less than ReconnectInitialDelayMilliseconds.")]
                : []);
        AddSettings<IngestionOptions>(services, configuration, IngestionOptions.SectionName);
        AddSettings<MemoryOptions>(services, configuration, MemoryOptions.SectionName);
        // First, so the arena limit holds before the other services start their threads.
        services.AddHostedService<NativeHeapService>();
        AddSettings<InfluxOptions>(services, configuration, InfluxOptions.SectionName, options =>
        {
            var problems = new List<(string, string)>();
            if (options.Url is not { IsAbsoluteUri: true } || (options.Url.Scheme != Uri.UriSchemeHttp && options.Url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add((nameof(InfluxOptions.Url), "must be an absolute http:// or https:// address."));
            }

            if (options.RetryMaximumDelayMilliseconds < options.RetryInitialDelayMilliseconds)
            {
                problems.Add((nameof(InfluxOptions.RetryMaximumDelayMilliseconds), "must not be less than RetryInitialDelayMilliseconds."));
            }

            return problems;
        });

        services.AddSingleton(provider =>
        {
            var gateway = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var path = Path.GetFullPath(gateway.DeviceRegistryPath, settingsFolder);
            var registry = DeviceRegistry.Load(path);
            Log.GatewayStarting(provider.GetRequiredService<ILoggerFactory>().CreateLogger("MedIoT.Gateway"), gateway.GatewayId, registry.Count, path);
            return registry;
        });
        // The journal writer is registered before every ingest service, so it stops after them and journals what they queued.
        AddJournal(services, configuration, settingsFolder);
        AddSerial(services, configuration, settingsFolder);
        services.AddMetrics();
        services.AddSingleton<IngestionStatistics>();
        services.AddSingleton<PendingFrameQueue>();
        services.AddSingleton<InfluxWriteClient>();
        services.AddHttpClient(InfluxWriteClient.HttpClientName, (provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<InfluxOptions>>().Value.Url;
            // Each request has its own timeout (Gateway:Influx:RequestTimeoutSeconds).
            http.Timeout = Timeout.InfiniteTimeSpan;
        });

        services.AddHostedService<InfluxWriterService>();
        services.AddHostedService<BacklogReportService>();
        services.AddHostedService<MemoryReportService>();
        services.AddHostedService<MqttIngestService>();
        services.AddHostedService<IngestionSummaryService>();
        services.AddAlerts(configuration, settingsFolder);
        AddAnchoring(services, configuration);

        AddSettings<HttpOptions>(services, configuration, HttpOptions.SectionName, options =>
            options.Url is { IsAbsoluteUri: true, Scheme: "http", AbsolutePath: "/" }
                ? []
                : [(nameof(HttpOptions.Url), "must be an absolute http:// address with no path, such as http://127.0.0.1:8080.")]);
        services.AddSingleton<IGatewayEndpoints, HealthEndpoints>();
        services.AddSingleton<GatewayHttpServer>();
        services.AddHostedService(provider => provider.GetRequiredService<GatewayHttpServer>());
        return services;
    }

    /// <summary>
    /// The journal (Journal/): opened, with its sequence history restored, when first needed; the frame verifier continues
    /// that history so redelivered frames stay duplicates across restarts.
    /// </summary>
    private static void AddJournal(IServiceCollection services, IConfiguration configuration, string settingsFolder)
    {
        AddSettings<JournalOptions>(services, configuration, JournalOptions.SectionName);
        services.AddSingleton(provider =>
        {
            // Every setting and the registry are checked before the journal is touched: a bad setting is reported as such,
            // never as a journal problem, and nothing is written on a start that cannot succeed.
            provider.GetService<IStartupValidator>()?.Validate();
            _ = provider.GetRequiredService<DeviceRegistry>();
            return GatewayJournal.Open(
                Path.GetFullPath(provider.GetRequiredService<IOptions<JournalOptions>>().Value.Folder, settingsFolder),
                provider.GetRequiredService<GatewayIdentity>(),
                provider.GetRequiredService<IOptions<IngestionOptions>>().Value.ReplayWindow);
        });
        services.AddSingleton<JournalStatistics>();
        services.AddSingleton<AlarmJournalQueue>(provider => new(provider.GetRequiredService<IOptions<JournalOptions>>().Value.AlarmEventCapacity));
        services.AddHostedService(provider => new JournalWriterService(
            provider.GetRequiredService<PendingFrameQueue>(),
            provider.GetRequiredService<AlarmJournalQueue>(),
            provider.GetRequiredService<GatewayJournal>,
            provider.GetRequiredService<JournalStatistics>(),
            provider.GetRequiredService<IOptions<JournalOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<JournalWriterService>>()));
        services.AddSingleton(provider => new FrameVerifier(
            provider.GetRequiredService<DeviceRegistry>(),
            provider.GetRequiredService<IOptions<IngestionOptions>>(),
            provider.GetRequiredService<GatewayJournal>().CreateSequenceHistory(),
            provider.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Anchoring the journal's checkpoints in the hospital ledger (Anchoring/); disabled while Gateway:Anchoring:LedgerUrl is empty.</summary>
    private static void AddAnchoring(IServiceCollection services, IConfiguration configuration)
    {
        AddSettings<AnchoringOptions>(services, configuration, AnchoringOptions.SectionName, options =>
        {
            var problems = new List<(string, string)>();
            if (options.Enabled && (!Uri.TryCreate(options.LedgerUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                problems.Add((nameof(AnchoringOptions.LedgerUrl), "must be empty (anchoring disabled) or an absolute http:// or https:// address."));
            }

            if (!string.IsNullOrWhiteSpace(options.LedgerKey) && !MedIoT.Ledger.Checkpoints.NoteVerifierKey.TryParse(options.LedgerKey.Trim(), out _, out var keyError))
            {
                problems.Add((nameof(AnchoringOptions.LedgerKey), $"must be empty or the ledger's note verifier key ({keyError})."));
            }

            if (options.RetryMaximumDelayMilliseconds < options.RetryInitialDelayMilliseconds)
            {
                problems.Add((nameof(AnchoringOptions.RetryMaximumDelayMilliseconds), "must not be less than RetryInitialDelayMilliseconds."));
            }

            return problems;
        });
        services.AddSingleton<AnchoringStatus>();
        services.AddSingleton<LedgerClient>();
        services.AddHttpClient(LedgerClient.HttpClientName, (provider, http) =>
        {
            var url = provider.GetRequiredService<IOptions<AnchoringOptions>>().Value.LedgerUrl.Trim();
            if (url.Length > 0)
            {
                // Relative request paths ("add-checkpoint") resolve below the configured address.
                http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
            }

            // Each request has its own timeout (Gateway:Anchoring:RequestTimeoutSeconds).
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        services.AddHostedService<AnchoringService>();
    }

    /// <summary>Serial ports (docs/serial.md), the gateway's identity and the device status events.</summary>
    private static void AddSerial(IServiceCollection services, IConfiguration configuration, string settingsFolder)
    {
        AddSettings<SerialOptions>(services, configuration, SerialOptions.SectionName);
        services.AddSingleton<IValidateOptions<SerialOptions>, SerialSettingsValidator>();
        AddSettings<IdentityOptions>(services, configuration, IdentityOptions.SectionName);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<IdentityOptions>>().Value;
            var keyFile = Path.GetFullPath(options.KeyFile, settingsFolder);
            var identity = GatewayIdentity.LoadOrCreate(keyFile, options.Name, out var created);
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("MedIoT.Gateway");
            if (created)
            {
                Log.GatewayIdentityCreated(logger, identity.Name, identity.KeyFile, identity.Thumbprint);
            }
            else
            {
                Log.GatewayIdentityLoaded(logger, identity.Name, identity.KeyFile, identity.Thumbprint);
            }

            return identity;
        });
        services.AddSingleton(provider => new SerialStatePaths(
            Path.GetFullPath(provider.GetRequiredService<IOptions<SerialOptions>>().Value.StateFolder, settingsFolder)));
        services.AddSingleton<SerialStatistics>();
        services.AddSingleton<DeviceStatusEvents>();
        services.AddHostedService<SerialIngestService>();
    }

    private static void AddSettings<TOptions>(
        IServiceCollection services, IConfiguration configuration, string section,
        Func<TOptions, IEnumerable<(string, string)>>? crossChecks = null)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new SettingsValidator<TOptions>(section, crossChecks));
    }
}
