namespace MedIoT.Alerts;

/// <summary>What happened to an alarm.</summary>
public enum AlarmEventKind
{
    /// <summary>A new alarm: its condition held for the rule's persistence delay.</summary>
    Raised = 1,

    /// <summary>
    /// The alarm's priority changed (the condition got worse or better), or a latched condition came back.
    /// A rise in priority makes the alarm unacknowledged again.
    /// </summary>
    Updated = 2,

    /// <summary>Nobody acknowledged within the configured time: delivery moves to the next recipient level.</summary>
    Escalated = 3,

    /// <summary>A person acknowledged the alarm (who and when are in the alarm).</summary>
    Acknowledged = 4,

    /// <summary>The condition cleared but the alarm latches (high priority) until someone acknowledges it.</summary>
    Latched = 5,

    /// <summary>The alarm ended: its condition cleared and, if it latched, it was acknowledged.</summary>
    Resolved = 6,
}
