using Microsoft.Extensions.Logging;

namespace MedIoT.Mqtt;

/// <summary>
/// The client's log events. Event ids are stable (dashboards and alerts key on them). Payloads are never
/// logged: they carry patient values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = MqttLogEvents.Connecting, Level = LogLevel.Information, Message = "Connecting to MQTT broker {Host}:{Port} as client {ClientId}")]
    public static partial void Connecting(ILogger logger, string host, int port, string clientId);

    [LoggerMessage(EventId = MqttLogEvents.Connected, Level = LogLevel.Information, Message = "Connected to MQTT broker as client {ClientId} (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string clientId, bool sessionPresent);

    [LoggerMessage(EventId = MqttLogEvents.ConnectionRefused, Level = LogLevel.Error, Message = "MQTT broker refused client {ClientId}: CONNACK return code {ReturnCode}")]
    public static partial void ConnectionRefused(ILogger logger, string clientId, MqttConnectReturnCode returnCode);

    [LoggerMessage(EventId = MqttLogEvents.ProtocolViolation, Level = LogLevel.Error, Message = "MQTT broker violated the protocol ({Error}); closing the connection of client {ClientId}")]
    public static partial void ProtocolViolation(ILogger logger, string clientId, MqttProtocolError error, Exception exception);

    [LoggerMessage(EventId = MqttLogEvents.ConnectionLost, Level = LogLevel.Warning, Message = "MQTT connection of client {ClientId} lost")]
    public static partial void ConnectionLost(ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = MqttLogEvents.Disconnected, Level = LogLevel.Information, Message = "MQTT client {ClientId} disconnected")]
    public static partial void Disconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = MqttLogEvents.KeepAliveTimeout, Level = LogLevel.Warning, Message = "MQTT broker did not answer PINGREQ within {KeepAliveSeconds} s; closing the connection of client {ClientId}")]
    public static partial void KeepAliveTimeout(ILogger logger, string clientId, double keepAliveSeconds);

    [LoggerMessage(EventId = MqttLogEvents.ConnectFailed, Level = LogLevel.Warning, Message = "MQTT connect of client {ClientId} to {Host}:{Port} failed")]
    public static partial void ConnectFailed(ILogger logger, string clientId, string host, int port, Exception exception);

    [LoggerMessage(EventId = MqttLogEvents.PublishReceived, Level = LogLevel.Debug, Message = "MQTT PUBLISH received on {Topic} (QoS {QualityOfService}, packet id {PacketIdentifier}, duplicate {Duplicate})")]
    public static partial void PublishReceived(ILogger logger, string topic, MqttQualityOfService qualityOfService, ushort packetIdentifier, bool duplicate);

    [LoggerMessage(EventId = MqttLogEvents.PingSent, Level = LogLevel.Debug, Message = "MQTT PINGREQ sent by client {ClientId}")]
    public static partial void PingSent(ILogger logger, string clientId);

    [LoggerMessage(EventId = MqttLogEvents.Reconnecting, Level = LogLevel.Information, Message = "MQTT client {ClientId} reconnecting in {DelayMilliseconds} ms (attempt {Attempt})")]
    public static partial void Reconnecting(ILogger logger, string clientId, long delayMilliseconds, int attempt);

    [LoggerMessage(EventId = MqttLogEvents.Resent, Level = LogLevel.Information, Message = "MQTT client {ClientId} resent {Count} unacknowledged packets on the new connection")]
    public static partial void Resent(ILogger logger, string clientId, int count);

    [LoggerMessage(EventId = MqttLogEvents.Resubscribed, Level = LogLevel.Information, Message = "MQTT client {ClientId} resubscribed to {Count} topic filters (the broker had no session)")]
    public static partial void Resubscribed(ILogger logger, string clientId, int count);

    [LoggerMessage(EventId = MqttLogEvents.ResubscriptionRefused, Level = LogLevel.Error, Message = "MQTT broker refused the resubscription of client {ClientId} to {TopicFilter}")]
    public static partial void ResubscriptionRefused(ILogger logger, string clientId, string topicFilter);

    [LoggerMessage(EventId = MqttLogEvents.DuplicateExactlyOnce, Level = LogLevel.Debug, Message = "MQTT QoS 2 PUBLISH with packet id {PacketIdentifier} received again; not delivered twice (§4.3.3)")]
    public static partial void DuplicateExactlyOnce(ILogger logger, ushort packetIdentifier);

    [LoggerMessage(EventId = MqttLogEvents.ResumeFailed, Level = LogLevel.Warning, Message = "MQTT client {ClientId} could not resume after reconnecting")]
    public static partial void ResumeFailed(ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = MqttLogEvents.ReleaseOfHeldMessage, Level = LogLevel.Warning, Message = "MQTT broker sent PUBREL for packet id {PacketIdentifier} to client {ClientId} while that message awaits the application's acknowledgement; answered PUBCOMP, message kept (broker state lost in a crash?)")]
    public static partial void ReleaseOfHeldMessage(ILogger logger, string clientId, ushort packetIdentifier);

    [LoggerMessage(EventId = MqttLogEvents.IdentifierReusedWithoutDuplicate, Level = LogLevel.Warning, Message = "MQTT broker reused packet id {PacketIdentifier} for a new QoS 2 message to client {ClientId} before releasing it (no DUP); delivered as a new message (broker state lost in a crash?)")]
    public static partial void IdentifierReusedWithoutDuplicate(ILogger logger, string clientId, ushort packetIdentifier);

    [LoggerMessage(EventId = MqttLogEvents.ConnectionRefusedWithReason, Level = LogLevel.Error, Message = "MQTT broker refused client {ClientId}: CONNACK reason code {ReasonCode} ({ReasonString})")]
    public static partial void ConnectionRefusedWithReason(ILogger logger, string clientId, MqttReasonCode reasonCode, string? reasonString);

    [LoggerMessage(EventId = MqttLogEvents.DisconnectedByServer, Level = LogLevel.Warning, Message = "MQTT broker disconnected client {ClientId}: DISCONNECT reason code {ReasonCode} ({ReasonString})")]
    public static partial void DisconnectedByServer(ILogger logger, string clientId, MqttReasonCode reasonCode, string? reasonString);

    [LoggerMessage(EventId = MqttLogEvents.PublishRefused, Level = LogLevel.Warning, Message = "MQTT broker refused a publish of client {ClientId} to {Topic}: {PacketType} reason code {ReasonCode} ({ReasonString})")]
    public static partial void PublishRefused(ILogger logger, string clientId, string topic, MedIoT.Mqtt.Packets.MqttPacketType packetType, MqttReasonCode reasonCode, string? reasonString);

    [LoggerMessage(EventId = MqttLogEvents.ReceiveMaximumExceeded, Level = LogLevel.Warning, Message = "MQTT broker sent client {ClientId} more than its Receive Maximum of {ReceiveMaximum} unacknowledged QoS 1 and 2 messages (MQTT 5.0 §3.3.4; mosquitto before 2.0.13 does so under a backlog); accepted and counted (meter mediot.mqtt.receive_maximum_exceeded), logged once per connection")]
    public static partial void ReceiveMaximumExceeded(ILogger logger, string clientId, int receiveMaximum);
}
