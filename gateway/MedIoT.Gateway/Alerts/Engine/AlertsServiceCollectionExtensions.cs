using MedIoT.Alerts;
using MedIoT.Gateway.Alerts.Api;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Alerts.Delivery.Stations;
using MedIoT.Gateway.Alerts.Delivery.Webhooks;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts.Engine;

/// <summary>Registers the alert service, its delivery and its HTTP API (settings section <c>Gateway:Alerts</c>).</summary>
internal static class AlertsServiceCollectionExtensions
{
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration, SettingsFile settings)
    {
        services.AddValidatedSettings(configuration, new AlertOptionsValidator(), static (section, options) => section.Bind(options));
        services.TryAddKeyedSingleton(AlarmClock.Key, (provider, _) => provider.GetRequiredService<TimeProvider>());
        services.AddSingleton<AlarmStatistics>();
        // The stations' live events (Station/) subscribe here; the alert service feeds it without ever waiting.
        services.AddSingleton(provider => new AlarmBroadcast(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AlarmFeed>();
        // Ingestion hands every outcome to the alarms through its observer seam (AlarmFeed ignores them while disabled).
        services.AddSingleton<IIngestionObserver>(provider => provider.GetRequiredService<AlarmFeed>());
        if (!configuration.GetValue(AlertOptions.SectionName + ":" + nameof(AlertOptions.Enabled), defaultValue: true))
        {
            return services;
        }

        services.AddSingleton(provider =>
            AlarmRulesFile.Load(settings.Resolve(provider.GetRequiredService<IOptions<AlertOptions>>().Value.RulesPath)));
        services.AddSingleton<MqttAlarmPublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<MqttAlarmPublisher>());
        services.AddHttpClient(WebhookDispatcher.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            // A redirect would carry the signed alarm elsewhere: it is a permanent failure instead (docs/alerts.md §6).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton(provider => CreateWebhooks(provider, settings));
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        // The armed beds, kept beside the journal (the alarm id reservation's folder) across restarts.
        services.AddSingleton(provider => new BedExitArmingStore(
            Path.Combine(provider.GetRequiredService<GatewayJournal>().Folder, BedExitArmingStore.FileName),
            provider.GetRequiredService<AlarmStatistics>(), provider.GetRequiredService<ILogger<BedExitArmingStore>>()));
        services.AddSingleton<AlarmService>();
        services.AddHostedService(provider => provider.GetRequiredService<AlarmService>());
        services.AddSingleton<IGatewayEndpoints, AlarmEndpoints>();
        return services;
    }

    private static WebhookDispatcher CreateWebhooks(IServiceProvider provider, SettingsFile settings)
    {
        var options = provider.GetRequiredService<IOptions<AlertOptions>>().Value;
        var outboxFolder = settings.Resolve(options.OutboxFolder);
        var targets = options.Webhooks.Select((webhook, index) => new WebhookTarget(
            webhook.Name, webhook.Url!, webhook.Channel, WebhookSecret.Load(webhook, index, settings.Folder),
            new WebhookOutbox(Path.Combine(outboxFolder, webhook.Name), options.OutboxCapacity), webhook.EscalationLevel, WardId.TryCreate(webhook.Ward, out var ward) ? ward : null)).ToList();
        return new WebhookDispatcher(
            targets, options, provider.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayId,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDispatcher.HttpClientName),
            provider.GetRequiredService<AlarmStatistics>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<WebhookDispatcher>());
    }
}
