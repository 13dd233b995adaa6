using System.Diagnostics.Metrics;

namespace MedIoT.Mqtt;

/// <summary>
/// The client's counters, on the meter "MedIoT.Mqtt" (System.Diagnostics.Metrics; read them with
/// dotnet-counters or an OpenTelemetry exporter). Tags never carry payloads or secrets.
/// </summary>
public static class MqttMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "MedIoT.Mqtt";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Connections closed because the peer violated the protocol, tagged <c>error</c> with the <see cref="MqttProtocolError"/> name.</summary>
    internal static readonly Counter<long> ProtocolErrors = s_meter.CreateCounter<long>(
        "mediot.mqtt.protocol_errors", "{connection}", "MQTT connections closed because the peer violated the protocol");

    /// <summary>Connections lost without DISCONNECT (network, keep-alive, protocol error).</summary>
    internal static readonly Counter<long> ConnectionsLost = s_meter.CreateCounter<long>(
        "mediot.mqtt.connections_lost", "{connection}", "MQTT connections lost without a DISCONNECT");

    /// <summary>Successful automatic reconnects.</summary>
    internal static readonly Counter<long> Reconnects = s_meter.CreateCounter<long>(
        "mediot.mqtt.reconnects", "{connection}", "MQTT connections re-established automatically");

    /// <summary>Publishes and PUBRELs resent on a new connection (§4.4).</summary>
    internal static readonly Counter<long> Resends = s_meter.CreateCounter<long>(
        "mediot.mqtt.resends", "{packet}", "MQTT PUBLISH and PUBREL packets resent after a reconnect");

    /// <summary>QoS 1 and 2 messages the broker sent beyond our MQTT 5.0 Receive Maximum (§3.3.4); accepted, see <see cref="MqttLogEvents.ReceiveMaximumExceeded"/>.</summary>
    internal static readonly Counter<long> ReceiveMaximumExcesses = s_meter.CreateCounter<long>(
        "mediot.mqtt.receive_maximum_exceeded", "{message}", "QoS 1 and 2 messages the MQTT broker sent beyond the client's Receive Maximum");

    internal static void RecordProtocolError(MqttProtocolError error) =>
        ProtocolErrors.Add(1, new KeyValuePair<string, object?>("error", error.ToString()));
}
