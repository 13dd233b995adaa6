using System.Buffers;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// MedIoT signed frames over a serial line: one JWS compact serialisation (RFC 7515 §7.1) per line, ended by LF or
/// CR LF (docs/serial.md). This reader only frames the lines; the gateway verifies each token exactly as a frame
/// received over MQTT. A line with a byte outside the JWS compact alphabet (base64url, RFC 4648 §5, and ".") is
/// garbage; a line longer than the limit is skipped to its end. Empty lines are ignored.
/// </summary>
public sealed class SignedLineReader
{
    private readonly LineFramer _lines;

    /// <summary>Creates a reader for lines of at most <paramref name="maxTokenBytes"/> bytes (without the line end), 16–65536.</summary>
    public SignedLineReader(int maxTokenBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokenBytes, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTokenBytes, 65_536);
        _lines = new LineFramer(maxTokenBytes);
    }

    /// <summary>Rejections so far, per reason.</summary>
    public SerialRejectionCounts Rejections { get; } = new();

    /// <summary>
    /// Reads the next token line from <paramref name="buffer"/> and consumes it. Returns <see langword="false"/> with
    /// <paramref name="rejection"/> set when bytes were skipped (counted; call again), or with
    /// <see cref="SerialRejectionReason.None"/> when more bytes are needed. Never throws for any input.
    /// </summary>
    public bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out byte[] token, out SerialRejectionReason rejection)
    {
        token = [];
        rejection = SerialRejectionReason.None;
        while (true)
        {
            if (!_lines.TryReadLine(ref buffer, out var line, out var overlong))
            {
                if (overlong)
                {
                    rejection = Rejections.Count(SerialRejectionReason.OverlongLine);
                }

                return false;
            }

            if (line.IsEmpty)
            {
                continue;
            }

            var bytes = line.ToArray();
            if (bytes.AsSpan().IndexOfAnyExcept(s_jwsAlphabet) >= 0)
            {
                rejection = Rejections.Count(SerialRejectionReason.Garbage);
                return false;
            }

            token = bytes;
            return true;
        }
    }

    private static readonly SearchValues<byte> s_jwsAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."u8);
}
