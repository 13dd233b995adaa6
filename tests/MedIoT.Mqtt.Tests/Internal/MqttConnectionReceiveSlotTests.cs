using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;
using MedIoT.Mqtt.Tests.Support;

namespace MedIoT.Mqtt.Tests.Internal;

/// <summary>
/// When a received message's Receive Maximum slot is free again (MQTT 5.0 §4.9): before its PUBACK or PUBCOMP can
/// reach the broker, never after. The moment in between cannot be held still with a real broker, so the connection
/// writes into a stream that holds its writes until the test releases them.
/// </summary>
public sealed class MqttConnectionReceiveSlotTests
{
    private const int TestTimeout = 30_000;

    [Theory(Timeout = TestTimeout)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task The_slot_of_a_message_is_free_while_its_PUBACK_or_PUBCOMP_is_being_written(MqttQualityOfService qualityOfService)
    {
        var stream = new HeldWriteStream();
        await using var connection = new MqttConnection(stream, MqttProtocolVersion.V500, 65_536, TimeProvider.System) { ReceiveMaximum = 1 };
        Assert.True(connection.TakeReceiveSlot(qualityOfService, 1));

        // QoS 1 ends with PUBACK, QoS 2 with PUBCOMP (§4.3.2, §4.3.3).
        var pubAck = new MqttPubAckPacket(1);
        var pubComp = new MqttPubCompPacket(1);
        var completion = qualityOfService == MqttQualityOfService.AtLeastOnce
            ? connection.SendFlowCompletionAsync(pubAck, CancellationToken.None)
            : connection.SendFlowCompletionAsync(pubComp, CancellationToken.None);
        MqttPacket completionPacket = qualityOfService == MqttQualityOfService.AtLeastOnce ? pubAck : pubComp;
        await stream.WriteStarted.WaitAsync(Broker.Timeout);

        // The packet has not left yet, and the broker may send the next message as soon as it has: the slot is free,
        // and only that one.
        Assert.True(connection.TakeReceiveSlot(qualityOfService, 2), "The slot was still taken while its acknowledgement was being written.");
        Assert.False(connection.TakeReceiveSlot(qualityOfService, 3), "More slots than the Receive Maximum were free.");
        stream.Release();
        await completion.WaitAsync(Broker.Timeout);
        Assert.Equal(PacketBytes.Encode(completionPacket, MqttProtocolVersion.V500), stream.Written);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_PUBACK_whose_wait_for_the_connection_is_cancelled_frees_nothing()
    {
        var stream = new HeldWriteStream();
        await using var connection = new MqttConnection(stream, MqttProtocolVersion.V500, 65_536, TimeProvider.System) { ReceiveMaximum = 1 };
        Assert.True(connection.TakeReceiveSlot(MqttQualityOfService.AtLeastOnce, 1));

        // Another packet holds the connection; the PUBACK waits behind it and is cancelled before it is written.
        var ping = connection.SendAsync(MqttPingReqPacket.Instance, CancellationToken.None);
        await stream.WriteStarted.WaitAsync(Broker.Timeout);
        using var cancellation = new CancellationTokenSource();
        var acknowledgement = connection.SendFlowCompletionAsync(new MqttPubAckPacket(1), cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acknowledgement.WaitAsync(Broker.Timeout));

        // The broker never got that PUBACK, so the message still holds its slot.
        Assert.False(connection.TakeReceiveSlot(MqttQualityOfService.AtLeastOnce, 2));
        stream.Release();
        await ping.WaitAsync(Broker.Timeout);
    }

    /// <summary>A stream that holds its writes until <see cref="Release"/> or until it is disposed; reads wait until it is disposed.</summary>
    private sealed class HeldWriteStream : Stream
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _written = new();

        public Task WriteStarted => _started.Task;

        public byte[] Written
        {
            get
            {
                lock (_written)
                {
                    return _written.ToArray();
                }
            }
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _started.TrySetResult();

            // A held write ends when the test releases it or when the connection disposes the stream (a failed
            // assertion disposes the connection before any release), never later.
            await Task.WhenAny(_released.Task, _disposed.Task).WaitAsync(cancellationToken);
            ObjectDisposedException.ThrowIf(_disposed.Task.IsCompleted, this);
            lock (_written)
            {
                _written.Write(buffer.Span);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _disposed.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult();
            _written.Dispose();
            base.Dispose(disposing);
        }
    }
}
