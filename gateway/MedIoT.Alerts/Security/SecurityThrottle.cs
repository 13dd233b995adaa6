namespace MedIoT.Alerts.Security;

/// <summary>
/// At most one security alarm per condition (reason, claimed device) per repeat interval. A window opens when an alarm is
/// raised; a failing frame inside it raises nothing new: it is counted on the active alarm or, once that alarm has been
/// acknowledged, kept pending for a summary alarm raised when the window ends. Windows of conditions whose alarm is
/// over and that have nothing pending are forgotten when they end, so memory stays bounded by the conditions seen
/// within one interval (the engine caps those, <see cref="AlarmEngine.MaxSecurityAlarms"/>).
/// </summary>
internal sealed class SecurityThrottle(TimeSpan interval)
{
    private readonly Dictionary<AlarmCondition, Window> _windows = [];

    /// <summary>Conditions tracked: an alarm active or raised within the interval.</summary>
    public int Count => _windows.Count;

    /// <summary>Failing frames that raised no alarm of their own (counted on an active alarm or pending a summary).</summary>
    public long Suppressed { get; private set; }

    public bool Tracks(AlarmCondition condition) => _windows.ContainsKey(condition);

    /// <summary>A repeat counted on the condition's active alarm.</summary>
    public void CountRepeat() => Suppressed++;

    /// <summary>
    /// A failing frame of <paramref name="condition"/> while no alarm of it is active: true when an alarm may be raised now
    /// (opening a new window; <paramref name="pending"/> is what the last window kept back), false when the frame falls in
    /// the open window and is kept pending.
    /// </summary>
    public bool TryOpen(AlarmCondition condition, DateTimeOffset now, out long pending)
    {
        pending = 0;
        if (_windows.TryGetValue(condition, out var window))
        {
            if (now - window.OpenedAt < interval)
            {
                window.Pending++;
                Suppressed++;
                return false;
            }

            pending = window.Pending;
        }

        _windows[condition] = new Window(now);
        return true;
    }

    /// <summary>An alarm restored from before a restart: its window counts from when it was raised.</summary>
    public void Restore(AlarmCondition condition, DateTimeOffset raisedAt) => _windows[condition] = new Window(raisedAt);

    /// <summary>
    /// Ends the windows older than the interval whose alarm is no longer active (<paramref name="isActive"/>): one with
    /// frames pending is returned (its summary alarm is raised now, in a new window), one without is forgotten.
    /// </summary>
    public List<(AlarmCondition Condition, long Pending)> EndWindows(DateTimeOffset now, Func<AlarmCondition, bool> isActive)
    {
        List<(AlarmCondition, long)> due = [];
        List<AlarmCondition>? ended = null;
        foreach (var (condition, window) in _windows)
        {
            if (now - window.OpenedAt < interval || isActive(condition))
            {
                continue;
            }

            if (window.Pending > 0)
            {
                due.Add((condition, window.Pending));
            }
            else
            {
                (ended ??= []).Add(condition);
            }
        }

        foreach (var condition in ended ?? [])
        {
            _windows.Remove(condition);
        }

        foreach (var (condition, _) in due)
        {
            _windows[condition] = new Window(now);
        }

        return due;
    }

    private sealed class Window(DateTimeOffset openedAt)
    {
        public DateTimeOffset OpenedAt { get; } = openedAt;

        public long Pending { get; set; }
    }
}
