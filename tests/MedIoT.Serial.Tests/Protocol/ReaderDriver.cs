using System.Buffers;
using MedIoT.Protocol.Serial;

namespace MedIoT.Serial.Tests.Protocol;

/// <summary>A reader's TryReadFrame over a byte stream.</summary>
internal delegate bool TryReadFrame<T>(ref ReadOnlySequence<byte> buffer, out T frame, out SerialRejectionReason rejection);

/// <summary>
/// Feeds a reader as the gateway's PipeReader loop does: bytes arrive in chunks (split at random points into
/// multi-segment sequences), the reader is called until it needs more, and what it did not consume stays buffered.
/// </summary>
internal static class ReaderDriver
{
    public static (List<T> Frames, List<SerialRejectionReason> Rejections) Run<T>(TryReadFrame<T> read, byte[] data, Random? random = null, int maxChunk = 64)
    {
        var frames = new List<T>();
        var rejections = new List<SerialRejectionReason>();
        var pending = new List<byte>();
        var offset = 0;
        while (offset < data.Length)
        {
            var chunk = random is null ? data.Length : Math.Min(data.Length - offset, random.Next(1, maxChunk + 1));
            pending.AddRange(data.AsSpan(offset, chunk));
            offset += chunk;
            var buffer = Segmented([.. pending], random);
            var steps = 0;
            while (true)
            {
                var before = buffer.Length;
                if (read(ref buffer, out var frame, out var rejection))
                {
                    frames.Add(frame);
                }
                else if (rejection != SerialRejectionReason.None)
                {
                    rejections.Add(rejection);
                }
                else
                {
                    break;
                }

                // Every call that returns something must make progress, or a loop over it would spin.
                Assert.True(buffer.Length < before || rejection != SerialRejectionReason.None, "the reader returned without consuming bytes");
                Assert.True(++steps <= data.Length + 1, "the reader did not stop");
            }

            pending.RemoveRange(0, pending.Count - (int)buffer.Length);
        }

        return (frames, rejections);
    }

    /// <summary>A sequence over <paramref name="bytes"/> split into random segments (one segment without <paramref name="random"/>).</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, Random? random)
    {
        if (random is null || bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        Segment? first = null, last = null;
        var position = 0;
        while (position < bytes.Length)
        {
            var length = Math.Min(bytes.Length - position, random.Next(1, 16));
            var memory = bytes.AsMemory(position, length);
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }

            position += length;
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
