using System.Buffers;
using BenchmarkDotNet.Attributes;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Benchmarks;

/// <summary>Time and allocations to decode one received PUBLISH (201-byte payload, 31-character topic, as a device frame) from buffered bytes.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class DecoderBenchmarks
{
    private readonly MqttTopicCache _topics = new();
    private ReadOnlySequence<byte> _qos0;
    private ReadOnlySequence<byte> _qos1;

    [GlobalSetup]
    public void Setup()
    {
        _qos0 = Encode(MqttQualityOfService.AtMostOnce);
        _qos1 = Encode(MqttQualityOfService.AtLeastOnce);
    }

    [Benchmark(Baseline = true)]
    public object? PublishQos0() => Read(_qos0);

    [Benchmark]
    public object? PublishQos1() => Read(_qos1);

    /// <summary>As the client reads: with the connection's topic cache (the topic repeats).</summary>
    [Benchmark]
    public object? PublishQos1WithTopicCache() => Read(_qos1, _topics);

    private static MqttPacket? Read(ReadOnlySequence<byte> bytes, MqttTopicCache? topics = null)
    {
        var buffer = bytes;
        MqttPacketReader.TryReadPacket(ref buffer, MqttProtocolVersion.V311, 262_144, topics, out var packet, out _);
        return packet;
    }

    private static ReadOnlySequence<byte> Encode(MqttQualityOfService qualityOfService)
    {
        var output = new ArrayBufferWriter<byte>();
        MqttPacketWriter.Write(
            new MqttPublishPacket
            {
                Topic = "mediot/v1/devices/bed-12/frames",
                Payload = new byte[ThroughputHarness.PayloadBytes],
                QualityOfService = qualityOfService,
                PacketIdentifier = qualityOfService == MqttQualityOfService.AtMostOnce ? (ushort)0 : (ushort)7,
            },
            output);
        return new ReadOnlySequence<byte>(output.WrittenMemory);
    }
}
