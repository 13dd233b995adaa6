using System.Buffers;
using System.Diagnostics;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Tests.Support;

namespace MedIoT.Mqtt.Tests.Formatter;

public sealed class MqttPacketReaderFuzzTests
{
    private const int Iterations = 50_000;

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Random_and_mutated_bytes_only_ever_yield_a_result(MqttProtocolVersion version)
    {
        var random = new Random(20_240_611 + (int)version);
        var samples = version == MqttProtocolVersion.V500 ? MqttVersion5CodecTests.SamplePackets() : MqttPacketReaderTests.SamplePackets();
        var valid = samples.Values.Select(packet => PacketBytes.Encode(packet, version)).ToArray();
        var stopwatch = Stopwatch.StartNew();
        var outcomes = new Dictionary<MqttReadStatus, int>();
        var topics = new MqttTopicCache();

        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var bytes = iteration % 2 == 0 ? RandomBytes(random) : Mutate(random, valid[random.Next(valid.Length)]);
            var buffer = random.Next(4) == 0
                ? PacketBytes.Segmented(bytes, 1 + random.Next(8))
                : new ReadOnlySequence<byte>(bytes);
            var maximum = random.Next(3) == 0 ? 2 + random.Next(64) : 262_144;

            // Read packets until the buffer is exhausted or the stream is declared broken.
            while (true)
            {
                var before = buffer.Length;
                var status = MqttPacketReader.TryReadPacket(
                    ref buffer, version, maximum, iteration % 3 == 0 ? null : topics, out var packet, out var error);
                outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
                if (status == MqttReadStatus.Done)
                {
                    Assert.NotNull(packet);
                    Assert.True(buffer.Length < before, "A decoded packet consumes bytes.");
                    continue;
                }

                Assert.Null(packet);
                Assert.Equal(before, buffer.Length);
                Assert.Equal(status == MqttReadStatus.Error, error != MqttProtocolError.None);
                break;
            }
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The fuzz run took {stopwatch.Elapsed}.");
        Assert.All(Enum.GetValues<MqttReadStatus>(), status => Assert.True(outcomes.GetValueOrDefault(status) > 0, $"No {status} outcome was exercised."));
    }

    [Fact]
    public void The_topic_cache_returns_the_same_string_for_the_same_topic_and_never_admits_an_invalid_one()
    {
        var topics = new MqttTopicCache();
        var publish = PacketBytes.Encode(new MedIoT.Mqtt.Packets.MqttPublishPacket { Topic = "mediot/v1/devices/bed-12/frames", Payload = new byte[] { 1 } });
        var wildcard = PacketBytes.Encode(new MedIoT.Mqtt.Packets.MqttPublishPacket { Topic = "mediot/v1/devices/+/frames", Payload = new byte[] { 1 } });

        var first = ReadPublish(publish, topics);
        var second = ReadPublish(publish, topics);

        Assert.Same(first.Topic, second.Topic);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var buffer = new ReadOnlySequence<byte>(wildcard);
            Assert.Equal(MqttReadStatus.Error, MqttPacketReader.TryReadPacket(ref buffer, MqttProtocolVersion.V311, 1024, topics, out _, out var error));
            Assert.Equal(MqttProtocolError.InvalidTopicName, error);
        }
    }

    private static MedIoT.Mqtt.Packets.MqttPublishPacket ReadPublish(byte[] bytes, MqttTopicCache topics)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(MqttReadStatus.Done, MqttPacketReader.TryReadPacket(ref buffer, MqttProtocolVersion.V311, 1024, topics, out var packet, out _));
        return Assert.IsType<MedIoT.Mqtt.Packets.MqttPublishPacket>(packet);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 48)];
        random.NextBytes(bytes);
        if (bytes.Length > 0 && random.Next(2) == 0)
        {
            // Bias towards valid types and plausible lengths so decoding gets past the fixed header.
            bytes[0] = (byte)((random.Next(1, 15) << 4) | (random.Next(4) == 0 ? random.Next(16) : 0));
            if (bytes.Length > 1)
            {
                bytes[1] = (byte)random.Next(0, bytes.Length);
            }
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToList();
        var mutations = random.Next(1, 4);
        for (var mutation = 0; mutation < mutations && bytes.Count > 0; mutation++)
        {
            var index = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[index] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[index] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.RemoveRange(index, bytes.Count - index);
                    break;
                case 3:
                    bytes.Insert(index, (byte)random.Next(256));
                    break;
                default:
                    bytes.RemoveAt(index);
                    break;
            }
        }

        return [.. bytes];
    }
}
