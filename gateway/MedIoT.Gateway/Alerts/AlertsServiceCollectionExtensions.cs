using System.Text.RegularExpressions;
using MedIoT.Alerts;
using MedIoT.Gateway.Alerts.Api;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Alerts.Delivery.Webhooks;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Ingestion;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts;

/// <summary>Registers the alert service, its delivery and its HTTP API (settings section <c>Gateway:Alerts</c>).</summary>
internal static partial class AlertsServiceCollectionExtensions
{
    private const int MaxEscalationLevel = 10;

    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration, string settingsFolder)
    {
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>>(new SettingsValidator<AlertOptions>(AlertOptions.SectionName, CrossCheck));
        services.TryAddKeyedSingleton(AlarmClock.Key, (provider, _) => provider.GetRequiredService<TimeProvider>());
        services.AddSingleton<AlarmStatistics>();
        services.AddSingleton<AlarmFeed>();
        // Ingestion hands every outcome to the alarms through its observer seam (AlarmFeed ignores them while disabled).
        services.AddSingleton<IIngestionObserver>(provider => provider.GetRequiredService<AlarmFeed>());
        if (!configuration.GetValue(AlertOptions.SectionName + ":" + nameof(AlertOptions.Enabled), defaultValue: true))
        {
            return services;
        }

        services.AddSingleton(provider =>
            AlarmRulesFile.Load(Path.GetFullPath(provider.GetRequiredService<IOptions<AlertOptions>>().Value.RulesPath, settingsFolder)));
        services.AddSingleton<MqttAlarmPublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<MqttAlarmPublisher>());
        services.AddHttpClient(WebhookDispatcher.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            // A redirect would carry the signed alarm elsewhere: it is a permanent failure instead (docs/alerts.md §6).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton(provider => CreateWebhooks(provider, settingsFolder));
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        services.AddSingleton<AlarmService>();
        services.AddHostedService(provider => provider.GetRequiredService<AlarmService>());
        services.AddSingleton<IGatewayEndpoints, AlarmEndpoints>();
        return services;
    }

    private static WebhookDispatcher CreateWebhooks(IServiceProvider provider, string settingsFolder)
    {
        var options = provider.GetRequiredService<IOptions<AlertOptions>>().Value;
        var outboxFolder = Path.GetFullPath(options.OutboxFolder, settingsFolder);
        var targets = options.Webhooks.Select((webhook, index) => new WebhookTarget(
            webhook.Name, webhook.Url!, webhook.Channel, WebhookSecret.Load(webhook, index, settingsFolder),
            new WebhookOutbox(Path.Combine(outboxFolder, webhook.Name), options.OutboxCapacity), webhook.EscalationLevel, WardId.TryCreate(webhook.Ward, out var ward) ? ward : null)).ToList();
        return new WebhookDispatcher(
            targets, options, provider.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayId,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDispatcher.HttpClientName),
            provider.GetRequiredService<AlarmStatistics>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<WebhookDispatcher>());
    }

    private static IEnumerable<(string, string)> CrossCheck(AlertOptions options)
    {
        if (options.RetryMaximumDelayMilliseconds < options.RetryInitialDelayMilliseconds)
        {
            yield return (nameof(AlertOptions.RetryMaximumDelayMilliseconds), "must not be less than RetryInitialDelayMilliseconds.");
        }

        if (options.EscalationRecipients.Any(recipient => recipient is null || !RecipientPattern().IsMatch(recipient)))
        {
            yield return (nameof(AlertOptions.EscalationRecipients), "each recipient must be 1-64 of A-Z a-z 0-9 . _ @ -.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Webhooks.Count; index++)
        {
            var webhook = options.Webhooks[index];
            var at = $"Webhooks:{index}";
            if (webhook.Name is null || !NamePattern().IsMatch(webhook.Name) || !names.Add(webhook.Name))
            {
                yield return (at + ":Name", "must be 1-32 of A-Z a-z 0-9 . _ - and unique among the webhooks.");
            }

            if (webhook.Url is not { IsAbsoluteUri: true } || (webhook.Url.Scheme != Uri.UriSchemeHttp && webhook.Url.Scheme != Uri.UriSchemeHttps))
            {
                yield return (at + ":Url", "must be an absolute http:// or https:// address.");
            }

            if (string.IsNullOrEmpty(webhook.SecretFile) == string.IsNullOrEmpty(webhook.SecretEnvironmentVariable))
            {
                yield return (at, "needs exactly one of SecretFile and SecretEnvironmentVariable.");
            }

            if (webhook.EscalationLevel is < 0 or > MaxEscalationLevel)
            {
                yield return (at + ":EscalationLevel", $"must be 0 (every event) to {MaxEscalationLevel}.");
            }

            if (webhook.Ward is not null && !WardId.TryCreate(webhook.Ward, out _))
            {
                yield return (at + ":Ward", "must be 1-32 of A-Z a-z 0-9 . _ - (or unset: every ward).");
            }

            if (!Enum.IsDefined(webhook.Channel))
            {
                yield return (at + ":Channel", "must be CareTeam or InformationTechnology.");
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}\z")]
    private static partial Regex RecipientPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,32}\z")]
    private static partial Regex NamePattern();
}
