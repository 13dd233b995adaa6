using Microsoft.Extensions.Logging;

namespace MedIoT.Mqtt;

/// <summary>
/// The client's log events. Event ids are stable (dashboards and alerts key on them). Payloads are never
/// logged: they carry patient values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connecting to MQTT broker {Host}:{Port} as client {ClientId}")]
    public static partial void Connecting(ILogger logger, string host, int port, string clientId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connected to MQTT broker as client {ClientId} (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string clientId, bool sessionPresent);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "MQTT broker refused client {ClientId}: CONNACK return code {ReturnCode}")]
    public static partial void ConnectionRefused(ILogger logger, string clientId, MqttConnectReturnCode returnCode);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "MQTT broker violated the protocol ({Error}); closing the connection of client {ClientId}")]
    public static partial void ProtocolViolation(ILogger logger, string clientId, MqttProtocolError error, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "MQTT connection of client {ClientId} lost")]
    public static partial void ConnectionLost(ILogger logger, string clientId, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "MQTT client {ClientId} disconnected")]
    public static partial void Disconnected(ILogger logger, string clientId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "MQTT broker did not answer PINGREQ within {KeepAliveSeconds} s; closing the connection of client {ClientId}")]
    public static partial void KeepAliveTimeout(ILogger logger, string clientId, double keepAliveSeconds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "MQTT connect of client {ClientId} to {Host}:{Port} failed")]
    public static partial void ConnectFailed(ILogger logger, string clientId, string host, int port, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "MQTT PUBLISH received on {Topic} (QoS {QualityOfService}, packet id {PacketIdentifier}, duplicate {Duplicate})")]
    public static partial void PublishReceived(ILogger logger, string topic, MqttQualityOfService qualityOfService, ushort packetIdentifier, bool duplicate);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "MQTT PINGREQ sent by client {ClientId}")]
    public static partial void PingSent(ILogger logger, string clientId);
}
