using System.Buffers;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// Splits a byte stream into lines ending in LF (a preceding CR is removed), with a length limit. A line over the
/// limit is rejected once and then skipped up to its line end, however many reads that takes, so the next line is
/// read whole (resynchronisation at the next line end).
/// </summary>
internal sealed class LineFramer(int maxLineBytes)
{
    private bool _skippingOverlongLine;

    /// <summary>The longest line accepted, in bytes without the line end.</summary>
    public int MaxLineBytes { get; } = maxLineBytes;

    /// <summary>
    /// Returns a complete line (without CR LF) and consumes it from <paramref name="buffer"/>; or returns
    /// <see langword="false"/> with <paramref name="overlong"/> set when an overlong line was skipped (call again), or
    /// with it clear when more bytes are needed.
    /// </summary>
    public bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line, out bool overlong)
    {
        overlong = false;
        line = default;
        var reader = new SequenceReader<byte>(buffer);
        if (_skippingOverlongLine)
        {
            if (!reader.TryAdvanceTo((byte)'\n'))
            {
                buffer = buffer.Slice(buffer.End);
                return false;
            }

            _skippingOverlongLine = false;
            buffer = buffer.Slice(reader.Position);
            reader = new SequenceReader<byte>(buffer);
        }

        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            if (buffer.Length > MaxLineBytes + 1)
            {
                // No line end within the limit (+1 for a CR): skip what is here and the rest of the line to come.
                _skippingOverlongLine = true;
                buffer = buffer.Slice(buffer.End);
                overlong = true;
            }

            return false;
        }

        buffer = buffer.Slice(reader.Position);
        if (line.Length > 0 && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.Length > MaxLineBytes)
        {
            overlong = true;
            line = default;
            return false;
        }

        return true;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
