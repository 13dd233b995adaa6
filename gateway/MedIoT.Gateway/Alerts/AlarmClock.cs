namespace MedIoT.Gateway.Alerts;

/// <summary>
/// The alert service's clock: a keyed <see cref="TimeProvider"/> registration (key <see cref="Key"/>) that defaults to
/// the gateway's clock. A test replaces it with a fake clock to play minutes of a scenario in seconds while the rest
/// of the gateway runs on real time.
/// </summary>
public static class AlarmClock
{
    /// <summary>The service key of the alert clock.</summary>
    public const string Key = "MedIoT.Gateway.Alerts";
}
