namespace MedIoT.Gateway.Alerts.Delivery.Stations;

/// <summary>What an <see cref="AlarmBroadcastMessage"/> carries.</summary>
public enum AlarmBroadcastKind
{
    /// <summary>An alarm event as the MQTT alarm topic carries it, plus <c>publishedAt</c>.</summary>
    Alarm = 1,

    /// <summary>The active alarms of one place (a bed, the gateway, the IT channel) after they changed.</summary>
    PlaceState = 2,
}
