namespace MedIoT.Alerts.Rules;

/// <summary>The direction of change a rate-of-change rule watches.</summary>
public enum TrendDirection
{
    /// <summary>The value fell by at least the rule's change within its window.</summary>
    Falling = 1,

    /// <summary>The value rose by at least the rule's change within its window.</summary>
    Rising = 2,
}
