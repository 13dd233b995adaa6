using System.Text.RegularExpressions;
using MedIoT.Alerts;
using MedIoT.Hosting;

namespace MedIoT.Gateway.Alerts;

/// <summary>
/// Checks <c>Gateway:Alerts</c> at start, beyond its annotations: retry delays, escalation recipients and each webhook
/// (name, address, secret, level, ward, channel).
/// </summary>
internal sealed partial class AlertOptionsValidator() : SettingsValidator<AlertOptions>(AlertOptions.SectionName)
{
    private const int MaxEscalationLevel = 10;

    protected override void Check(AlertOptions options, SettingProblems problems)
    {
        if (options.RetryMaximumDelayMilliseconds < options.RetryInitialDelayMilliseconds)
        {
            problems.Add(nameof(AlertOptions.RetryMaximumDelayMilliseconds), options.RetryMaximumDelayMilliseconds, "must not be less than RetryInitialDelayMilliseconds.");
        }

        if (options.EscalationRecipients.Any(recipient => recipient is null || !RecipientPattern().IsMatch(recipient)))
        {
            problems.Add(nameof(AlertOptions.EscalationRecipients), string.Join(", ", options.EscalationRecipients), "each recipient must be 1-64 of A-Z a-z 0-9 . _ @ -.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Webhooks.Count; index++)
        {
            var webhook = options.Webhooks[index];
            var at = $"Webhooks:{index}";
            if (webhook.Name is null || !NamePattern().IsMatch(webhook.Name) || !names.Add(webhook.Name))
            {
                problems.Add(at + ":Name", webhook.Name, "must be 1-32 of A-Z a-z 0-9 . _ - and unique among the webhooks.");
            }

            if (webhook.Url is not { IsAbsoluteUri: true } || (webhook.Url.Scheme != Uri.UriSchemeHttp && webhook.Url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add(at + ":Url", webhook.Url, "must be an absolute http:// or https:// address.");
            }

            if (string.IsNullOrEmpty(webhook.SecretFile) == string.IsNullOrEmpty(webhook.SecretEnvironmentVariable))
            {
                problems.Add(at, null, "needs exactly one of SecretFile and SecretEnvironmentVariable.");
            }

            if (webhook.EscalationLevel is < 0 or > MaxEscalationLevel)
            {
                problems.Add(at + ":EscalationLevel", webhook.EscalationLevel, $"must be 0 (every event) to {MaxEscalationLevel}.");
            }

            if (webhook.Ward is not null && !WardId.TryCreate(webhook.Ward, out _))
            {
                problems.Add(at + ":Ward", webhook.Ward, "must be 1-32 of A-Z a-z 0-9 . _ - (or unset: every ward).");
            }

            if (!Enum.IsDefined(webhook.Channel))
            {
                problems.Add(at + ":Channel", webhook.Channel, "must be CareTeam or InformationTechnology.");
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}\z")]
    private static partial Regex RecipientPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,32}\z")]
    private static partial Regex NamePattern();
}
