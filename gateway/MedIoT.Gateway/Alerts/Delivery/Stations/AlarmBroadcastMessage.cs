using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Delivery.Stations;

/// <summary>One message of the broadcast to the open stations.</summary>
/// <param name="Kind">An alarm event or a place's new state.</param>
/// <param name="Channel">Whose message it is: the care team's (a bed or the gateway) or IT's (security alarms).</param>
/// <param name="Bed">The bed it concerns; null for gateway-wide and IT-channel messages.</param>
/// <param name="Json">The JSON document, one line (docs/station.md, "Live events").</param>
public sealed record AlarmBroadcastMessage(AlarmBroadcastKind Kind, AlarmChannel Channel, BedLocation? Bed, byte[] Json);
