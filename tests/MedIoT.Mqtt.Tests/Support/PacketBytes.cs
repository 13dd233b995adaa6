using System.Buffers;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>Encodes packets and splits byte arrays into multi-segment sequences.</summary>
internal static class PacketBytes
{
    public const int NoLimit = MqttFixedHeader.MaximumPacketSize;

    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var output = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(packet, version, output);
        return output.WrittenSpan.ToArray();
    }

    public static MqttReadStatus Read(byte[] bytes, out MqttPacket? packet, out MqttProtocolError error, int maximumPacketSize = NoLimit)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        return MqttPacketReader.TryReadPacket(ref buffer, maximumPacketSize, out packet, out error);
    }

    public static MqttReadStatus Read5(byte[] bytes, out MqttPacket? packet, out MqttProtocolError error)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var status = MqttPacketReader.TryReadPacket(ref buffer, MqttProtocolVersion.V500, NoLimit, out packet, out error);
        Assert.True(status != MqttReadStatus.Done || buffer.IsEmpty, "A decoded packet consumes exactly its bytes.");
        return status;
    }

    /// <summary>A sequence of one segment per <paramref name="segmentLength"/> bytes, as a pipe delivers them.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
