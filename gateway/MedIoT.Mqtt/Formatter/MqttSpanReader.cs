using System.Buffers.Binary;
using System.Text;
using MedIoT.Mqtt.Internal;

namespace MedIoT.Mqtt.Formatter;

/// <summary>Reads the data representations of §1.5 from a packet body. Every method reports truncation instead of throwing.</summary>
internal ref struct MqttSpanReader(ReadOnlySpan<byte> body)
{
    private ReadOnlySpan<byte> _remaining = body;

    public readonly int Remaining => _remaining.Length;

    public bool TryReadByte(out byte value)
    {
        if (_remaining.IsEmpty)
        {
            value = 0;
            return false;
        }

        value = _remaining[0];
        _remaining = _remaining[1..];
        return true;
    }

    /// <summary>A two-byte integer, most significant byte first (§1.5.2).</summary>
    public bool TryReadUInt16(out ushort value)
    {
        if (!BinaryPrimitives.TryReadUInt16BigEndian(_remaining, out value))
        {
            return false;
        }

        _remaining = _remaining[2..];
        return true;
    }

    /// <summary>A four-byte integer, most significant byte first (MQTT 5.0 §1.5.3).</summary>
    public bool TryReadUInt32(out uint value)
    {
        if (!BinaryPrimitives.TryReadUInt32BigEndian(_remaining, out value))
        {
            return false;
        }

        _remaining = _remaining[4..];
        return true;
    }

    /// <summary>
    /// A Variable Byte Integer (MQTT 5.0 §1.5.5): seven bits per byte, at most four bytes, in the minimum
    /// number of bytes. False when truncated, longer than four bytes, or not minimal.
    /// </summary>
    public bool TryReadVariableByteInteger(out int value)
    {
        value = 0;
        var multiplier = 1;
        for (var index = 0; index < 4; index++)
        {
            if (!TryReadByte(out var encoded))
            {
                return false;
            }

            value += (encoded & 0x7F) * multiplier;
            if ((encoded & 0x80) == 0)
            {
                // §1.5.5: the minimum number of bytes; a trailing zero group means a longer encoding than needed.
                return index == 0 || encoded != 0;
            }

            multiplier *= 128;
        }

        return false;
    }

    /// <summary>The next <paramref name="length"/> bytes as their own reader (a property block, §2.2.2.1).</summary>
    public bool TrySlice(int length, out MqttSpanReader slice)
    {
        if (length < 0 || length > _remaining.Length)
        {
            slice = default;
            return false;
        }

        slice = new MqttSpanReader(_remaining[..length]);
        _remaining = _remaining[length..];
        return true;
    }

    /// <summary>Binary data with a two-byte length prefix (§3.1.3.5 password, §3.1.3.3 will message).</summary>
    public bool TryReadBinary(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!BinaryPrimitives.TryReadUInt16BigEndian(_remaining, out var length) || _remaining.Length - 2 < length)
        {
            return false;
        }

        value = _remaining.Slice(2, length);
        _remaining = _remaining[(2 + length)..];
        return true;
    }

    /// <summary>A UTF-8 encoded string (§1.5.3): well-formed, no U+0000.</summary>
    public MqttProtocolError TryReadString(out string value)
    {
        value = string.Empty;
        if (!TryReadBinary(out var utf8))
        {
            return MqttProtocolError.MalformedPacket;
        }

        if (!MqttStrings.IsValidUtf8(utf8))
        {
            return MqttProtocolError.InvalidUtf8String;
        }

        value = Encoding.UTF8.GetString(utf8);
        return MqttProtocolError.None;
    }

    /// <summary>A topic name (§3.3.2.1) through <paramref name="cache"/>: a cached topic is neither validated nor allocated again.</summary>
    public MqttProtocolError TryReadTopic(MqttTopicCache? cache, out string value, out bool fromCache)
    {
        fromCache = false;
        if (cache is null)
        {
            return TryReadString(out value);
        }

        value = string.Empty;
        var before = _remaining;
        if (!TryReadBinary(out var utf8))
        {
            return MqttProtocolError.MalformedPacket;
        }

        if (cache.TryGet(utf8, out value))
        {
            fromCache = true;
            return MqttProtocolError.None;
        }

        _remaining = before;
        return TryReadString(out value);
    }

    /// <summary>Everything not yet read (a PUBLISH payload, §3.3.3).</summary>
    public ReadOnlySpan<byte> ReadRest()
    {
        var rest = _remaining;
        _remaining = default;
        return rest;
    }
}
