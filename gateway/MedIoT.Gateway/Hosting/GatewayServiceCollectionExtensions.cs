using MedIoT.Gateway.Access;
using MedIoT.Gateway.Alerts.Engine;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Broker;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Mqtt;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Station;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Hosting;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Hosting;

/// <summary>Registers the gateway: settings, device registry, ingestion and storage.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gateway's services. Relative paths in the settings (the device registry, the journal, the key, the broker password file) resolve
    /// against <paramref name="settings"/>' folder.
    /// </summary>
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration, SettingsFile settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);

        services.AddSystemTimeProvider();
        services.AddValidatedSettings(configuration, new SettingsValidator<GatewayOptions>(GatewayOptions.SectionName), static (section, options) => section.Bind(options));
        services.AddValidatedSettings(configuration, new MqttOptionsValidator(), static (section, options) => section.Bind(options))
            .PostConfigure(mqtt => mqtt.PasswordFile = settings.Resolve(mqtt.PasswordFile));
        services.AddValidatedSettings(configuration, new SettingsValidator<IngestionOptions>(IngestionOptions.SectionName), static (section, options) => section.Bind(options));
        services.AddValidatedSettings(configuration, new SettingsValidator<MemoryOptions>(MemoryOptions.SectionName), static (section, options) => section.Bind(options));
        // First, so the arena limit holds before the other services start their threads.
        services.AddHostedService<NativeHeapService>();
        services.AddValidatedSettings(configuration, new InfluxOptionsValidator(), static (section, options) => section.Bind(options));

        services.AddSingleton(provider =>
        {
            var gateway = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var path = settings.Resolve(gateway.DeviceRegistryPath);
            var registry = DeviceRegistry.Load(path);
            Log.GatewayStarting(provider.GetRequiredService<ILoggerFactory>().CreateLogger("MedIoT.Gateway"), gateway.GatewayId, registry.Count, path);
            return registry;
        });
        // The journal writer is registered before every ingest service, so it stops after them and journals what they queued.
        AddJournal(services, configuration, settings);
        AddSerial(services, configuration, settings);
        AddAttached(services, configuration, settings);
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
        services.AddAlerts(configuration, settings);
        AddAnchoring(services, configuration);

        services.AddValidatedSettings(configuration, new HttpOptionsValidator(), static (section, options) => section.Bind(options))
            .PostConfigure(http =>
            {
                http.CertificatePath = settings.Resolve(http.CertificatePath);
                http.CertificateKeyPath = settings.Resolve(http.CertificateKeyPath);
            });
        services.AddAccess(configuration, settings);
        services.AddSingleton<HealthEndpoints>();
        services.AddSingleton<IGatewayEndpoints>(provider => provider.GetRequiredService<HealthEndpoints>());
        AddMetricsEndpoint(services, configuration);
        services.AddStation();
        services.AddSingleton<GatewayHttpServer>();
        services.AddHostedService(provider => provider.GetRequiredService<GatewayHttpServer>());
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c> (docs/metrics.md): the gateway's own meters, and the MQTT client's, which are the process's.
    /// Off with the HTTP surface or with <c>Gateway:Http:MetricsEnabled=false</c>; then nothing listens to the meters.
    /// </summary>
    private static void AddMetricsEndpoint(IServiceCollection services, IConfiguration configuration)
    {
        var http = configuration.GetSection(HttpOptions.SectionName);
        if (!http.GetValue(nameof(HttpOptions.Enabled), true) || !http.GetValue(nameof(HttpOptions.MetricsEnabled), true))
        {
            return;
        }

        services.AddPrometheusMetrics("mediot-gateway",
            [IngestionStatistics.MeterName, JournalStatistics.MeterName, AnchoringStatus.MeterName], [Mqtt.MqttMetrics.MeterName]);
        services.AddSingleton<IGatewayEndpoints, MetricsEndpoints>();
    }

    /// <summary>
    /// The journal (Journal/): opened, with its sequence history restored, when first needed; the frame verifier continues
    /// that history so redelivered frames stay duplicates across restarts.
    /// </summary>
    private static void AddJournal(IServiceCollection services, IConfiguration configuration, SettingsFile settings)
    {
        services.AddValidatedSettings(configuration, new SettingsValidator<JournalOptions>(JournalOptions.SectionName), static (section, options) => section.Bind(options));
        services.AddSingleton(provider =>
        {
            // Every setting and the registry are checked before the journal is touched: a bad setting is reported as such,
            // never as a journal problem, and nothing is written on a start that cannot succeed.
            provider.GetService<IStartupValidator>()?.Validate();
            _ = provider.GetRequiredService<DeviceRegistry>();
            return GatewayJournal.Open(
                settings.Resolve(provider.GetRequiredService<IOptions<JournalOptions>>().Value.Folder),
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
        services.AddValidatedSettings(configuration, new AnchoringOptionsValidator(), static (section, options) => section.Bind(options));
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
    private static void AddSerial(IServiceCollection services, IConfiguration configuration, SettingsFile settings)
    {
        services.AddValidatedSettings(configuration, new SerialOptionsValidator(), static (section, options) => section.Bind(options));
        services.AddValidatedSettings(configuration, new SettingsValidator<IdentityOptions>(IdentityOptions.SectionName), static (section, options) => section.Bind(options));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<IdentityOptions>>().Value;
            var keyFile = settings.Resolve(options.KeyFile);
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
        services.AddKeyedSingleton(SerialOptions.SectionName, (provider, _) => new AttestationStateFolder(
            settings.Resolve(provider.GetRequiredService<IOptions<SerialOptions>>().Value.StateFolder)));
        services.AddSingleton<SerialStatistics>();
        services.AddSingleton<DeviceStatusEvents>();
        services.AddHostedService<SerialIngestService>();
    }

    /// <summary>Sensors wired to the gateway's own pins (docs/attached-sensors.md) and what they tell the alert engine.</summary>
    private static void AddAttached(IServiceCollection services, IConfiguration configuration, SettingsFile settings)
    {
        services.AddValidatedSettings(configuration, new AttachedOptionsValidator(), static (section, options) => section.Bind(options));
        services.AddSingleton<AttachedStatistics>();
        services.AddSingleton<AttachedSensorEvents>();
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<AttachedIngestService>(provider, settings));
    }
}
