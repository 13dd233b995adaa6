namespace MedIoT.Mqtt.Formatter;

/// <summary>The outcome of one attempt to read a packet from buffered bytes.</summary>
internal enum MqttReadStatus
{
    /// <summary>A packet was read and its bytes consumed.</summary>
    Done,

    /// <summary>The buffer holds only part of a packet; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>The bytes are not a valid packet; the stream cannot be resynchronised and the connection must close.</summary>
    Error,
}
