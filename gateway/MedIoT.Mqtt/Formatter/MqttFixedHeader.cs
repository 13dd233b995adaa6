namespace MedIoT.Mqtt.Formatter;

/// <summary>Constants and checks of the fixed header (§2.2).</summary>
internal static class MqttFixedHeader
{
    /// <summary>The largest value four Remaining Length bytes can carry (§2.2.3).</summary>
    public const int MaximumRemainingLength = 268_435_455;

    /// <summary>The Remaining Length uses at most four bytes (§2.2.3).</summary>
    public const int MaximumRemainingLengthBytes = 4;

    /// <summary>The smallest packet: a type byte and a zero length (PINGREQ, §3.12).</summary>
    public const int MinimumPacketSize = 2;

    /// <summary>The largest packet: a type byte, four length bytes and the largest body.</summary>
    public const int MaximumPacketSize = 1 + MaximumRemainingLengthBytes + MaximumRemainingLength;

    /// <summary>How many bytes the Remaining Length varint of <paramref name="remainingLength"/> takes.</summary>
    public static int GetRemainingLengthSize(int remainingLength) => remainingLength switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(remainingLength)),
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        <= MaximumRemainingLength => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(remainingLength)),
    };

    /// <summary>
    /// Whether the low nibble of the first byte is what §2.2.2 (table 2.2) requires: PUBLISH carries
    /// DUP, QoS and RETAIN (checked elsewhere); PUBREL, SUBSCRIBE and UNSUBSCRIBE carry 0b0010; all others 0.
    /// </summary>
    public static bool HasValidFlags(byte firstByte)
    {
        var type = firstByte >> 4;
        var flags = firstByte & 0x0F;
        return type switch
        {
            3 => true,
            6 or 8 or 10 => flags == 0b0010,
            _ => flags == 0,
        };
    }
}
