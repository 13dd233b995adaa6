using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Alerts;

/// <summary>Settings of the alert service and its delivery (section <c>Gateway:Alerts</c>, docs/alerts.md §5–7, README settings table).</summary>
public sealed class AlertOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Alerts";

    /// <summary>The recipient levels used when <see cref="EscalationRecipients"/> is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultEscalationRecipients = ["bedside-nurse", "nurse-in-charge", "rapid-response-team"];

    /// <summary>Whether the alert service runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The rules file, relative to the settings folder. Default <c>alert-rules.json</c>.</summary>
    [Required]
    public string RulesPath { get; set; } = "alert-rules.json";

    /// <summary>
    /// Inputs the alert service can hold before ingestion's hand-over is refused and counted (1,000–1,000,000;
    /// default 65,536, about 19 s of the ward stress load of 3,400 frames/s).
    /// </summary>
    [Range(1_000, 1_000_000)]
    public int InputCapacity { get; set; } = 65_536;

    /// <summary>MQTT topic prefix of alarm topics: <c>{prefix}/alerts/{ward}/{bed}/events</c> and so on. Default <c>mediot/v1</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")]
    public string TopicPrefix { get; set; } = "mediot/v1";

    /// <summary>
    /// The people (or roles) an alarm goes to at escalation level 0, 1, 2, … (the last one also takes any further level).
    /// Empty means <see cref="DefaultEscalationRecipients"/>.
    /// </summary>
    public List<string> EscalationRecipients { get; set; } = [];

    /// <summary>
    /// Whether the events of an escalated care-team alarm are also published to its recipient's topic
    /// <c>{prefix}/escalations/{ward}/{recipient}</c> (docs/alerts.md §6, "Escalation routing"). Default true.
    /// </summary>
    public bool PublishEscalations { get; set; } = true;

    /// <summary>Alarm messages waiting for the broker before the oldest is dropped and counted (100–1,000,000; default 10,000).</summary>
    [Range(100, 1_000_000)]
    public int MqttQueueCapacity { get; set; } = 10_000;

    /// <summary>Webhooks that receive alarm events.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>The webhook outbox folder, relative to the settings folder. Default <c>state/alerts-outbox</c>.</summary>
    [Required]
    public string OutboxFolder { get; set; } = "state/alerts-outbox";

    /// <summary>Events pending per webhook before the oldest is dropped and counted (10–1,000,000; default 10,000).</summary>
    [Range(10, 1_000_000)]
    public int OutboxCapacity { get; set; } = 10_000;

    /// <summary>First retry delay of a failed webhook delivery, in ms (100–60,000; default 1,000).</summary>
    [Range(100, 60_000)]
    public int RetryInitialDelayMilliseconds { get; set; } = 1_000;

    /// <summary>Longest retry delay of a failed webhook delivery, in ms (100–3,600,000; default 60,000).</summary>
    [Range(100, 3_600_000)]
    public int RetryMaximumDelayMilliseconds { get; set; } = 60_000;

    /// <summary>Timeout of one webhook request, in seconds (1–300; default 10).</summary>
    [Range(1, 300)]
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>The recipients in force.</summary>
    public IReadOnlyList<string> Recipients => EscalationRecipients.Count == 0 ? DefaultEscalationRecipients : EscalationRecipients;

    /// <summary>The recipient of an alarm at <paramref name="escalationLevel"/>.</summary>
    public string RecipientAt(int escalationLevel) => Recipients[Math.Clamp(escalationLevel, 0, Recipients.Count - 1)];
}
