namespace MedIoT.Mqtt;

/// <summary>
/// The MQTT client's log event ids, by name: tests and documentation use these names; a number never changes once
/// released. The ids are the client's own (category <c>MedIoT.Mqtt.MqttClient</c>), independent of the services' ranges.
/// </summary>
public static class MqttLogEvents
{
    /// <summary>Information: "Connecting to MQTT broker {Host}:{Port} as client {ClientId}"</summary>
    public const int Connecting = 1;

    /// <summary>Information: "Connected to MQTT broker as client {ClientId} (session present: {SessionPresent})"</summary>
    public const int Connected = 2;

    /// <summary>Error: "MQTT broker refused client {ClientId}: CONNACK return code {ReturnCode}"</summary>
    public const int ConnectionRefused = 3;

    /// <summary>Error: "MQTT broker violated the protocol ({Error}); closing the connection of client {ClientId}"</summary>
    public const int ProtocolViolation = 4;

    /// <summary>Warning: "MQTT connection of client {ClientId} lost"</summary>
    public const int ConnectionLost = 5;

    /// <summary>Information: "MQTT client {ClientId} disconnected"</summary>
    public const int Disconnected = 6;

    /// <summary>Warning: "MQTT broker did not answer PINGREQ within {KeepAliveSeconds} s; closing the connection of client …"</summary>
    public const int KeepAliveTimeout = 7;

    /// <summary>Warning: "MQTT connect of client {ClientId} to {Host}:{Port} failed"</summary>
    public const int ConnectFailed = 8;

    /// <summary>Debug: "MQTT PUBLISH received on {Topic} (QoS {QualityOfService}, packet id {PacketIdentifier}, …"</summary>
    public const int PublishReceived = 9;

    /// <summary>Debug: "MQTT PINGREQ sent by client {ClientId}"</summary>
    public const int PingSent = 10;

    /// <summary>Information: "MQTT client {ClientId} reconnecting in {DelayMilliseconds} ms (attempt {Attempt})"</summary>
    public const int Reconnecting = 11;

    /// <summary>Information: "MQTT client {ClientId} resent {Count} unacknowledged packets on the new connection"</summary>
    public const int Resent = 12;

    /// <summary>Information: "MQTT client {ClientId} resubscribed to {Count} topic filters (the broker had no session)"</summary>
    public const int Resubscribed = 13;

    /// <summary>Error: "MQTT broker refused the resubscription of client {ClientId} to {TopicFilter}"</summary>
    public const int ResubscriptionRefused = 14;

    /// <summary>Debug: "MQTT QoS 2 PUBLISH with packet id {PacketIdentifier} received again; not delivered twice (§4.3.3)"</summary>
    public const int DuplicateExactlyOnce = 15;

    /// <summary>Warning: "MQTT client {ClientId} could not resume after reconnecting"</summary>
    public const int ResumeFailed = 16;

    /// <summary>Warning: "MQTT broker sent PUBREL for packet id {PacketIdentifier} to client {ClientId} while that message …"</summary>
    public const int ReleaseOfHeldMessage = 17;

    /// <summary>Warning: "MQTT broker reused packet id {PacketIdentifier} for a new QoS 2 message to client {ClientId} …"</summary>
    public const int IdentifierReusedWithoutDuplicate = 18;

    /// <summary>Error: "MQTT broker refused client {ClientId}: CONNACK reason code {ReasonCode} ({ReasonString})"</summary>
    public const int ConnectionRefusedWithReason = 19;

    /// <summary>Warning: "MQTT broker disconnected client {ClientId}: DISCONNECT reason code {ReasonCode} ({ReasonString})"</summary>
    public const int DisconnectedByServer = 20;

    /// <summary>Warning: "MQTT broker refused a publish of client {ClientId} to {Topic}: {PacketType} reason code …"</summary>
    public const int PublishRefused = 21;

    /// <summary>Warning: "MQTT broker sent client {ClientId} more than its Receive Maximum of {ReceiveMaximum} unacknowledged …"</summary>
    public const int ReceiveMaximumExceeded = 22;
}
