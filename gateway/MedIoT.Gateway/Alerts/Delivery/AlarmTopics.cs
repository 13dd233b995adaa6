using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Delivery;

/// <summary>
/// MQTT topics of alarm delivery (docs/alerts.md §6). Care-team alarms go to per-bed topics (gateway-wide technical
/// alarms to <c>{prefix}/alerts/gateway/…</c>, one level shorter, so no ward name can collide); security alarms go
/// only to the IT topic. Ward and bed names are 1–32 of A–Z a–z 0–9 . _ - (checked by the registry and the engine),
/// so they never carry an MQTT wildcard or separator.
/// </summary>
/// <param name="Prefix">The topic prefix, e.g. <c>mediot/v1</c>.</param>
public sealed record AlarmTopics(string Prefix)
{
    /// <summary>Where the events of the alarms at <paramref name="bed"/> (null: gateway-wide) are published.</summary>
    public string Events(BedLocation? bed) => Place(bed) + "/events";

    /// <summary>Where the retained current state of <paramref name="bed"/> (null: gateway-wide) is published.</summary>
    public string State(BedLocation? bed) => Place(bed) + "/state";

    /// <summary>
    /// Where the events of a care-team alarm escalated to <paramref name="recipient"/> are also published:
    /// <c>{prefix}/escalations/{ward}/{recipient}</c> (gateway-wide alarms: <c>{prefix}/escalations/gateway/{recipient}</c>).
    /// Recipients are 1–64 of A–Z a–z 0–9 . _ @ - (checked at start), so they never carry a wildcard or separator.
    /// </summary>
    public string Escalations(BedLocation? bed, string recipient) =>
        bed is { } place ? $"{Prefix}/escalations/{place.Ward}/{recipient}" : $"{Prefix}/escalations/gateway/{recipient}";

    /// <summary>The IT channel's event topic (security alarms).</summary>
    public string SecurityEvents => Prefix + "/it/security";

    /// <summary>The IT channel's retained state topic.</summary>
    public string SecurityState => Prefix + "/it/security/state";

    /// <summary>The filter a care-team station subscribes to for one ward.</summary>
    public string WardFilter(string ward) => $"{Prefix}/alerts/{ward}/#";

    private string Place(BedLocation? bed) => bed is { } place ? $"{Prefix}/alerts/{place.Ward}/{place.Bed}" : Prefix + "/alerts/gateway";
}
