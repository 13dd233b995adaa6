using System.Text;

namespace MedIoT.Protocol.Jose;

/// <summary>
/// Base64url without padding, exactly as RFC 7515 §2 defines it for JOSE (RFC 4648 §5 alphabet,
/// no "=" padding, no line breaks or other characters). Decoding is strict: it accepts only the
/// canonical encoding, so one byte string has exactly one text form and a signed token cannot be
/// re-spelled without changing its signing input.
/// </summary>
public static class Base64Url
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    // Maps an ASCII byte to its 6-bit value, or -1 when it is not in the URL-safe alphabet.
    private static readonly sbyte[] DecodeTable = BuildDecodeTable();

    /// <summary>Encodes <paramref name="bytes"/> as unpadded base64url.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var length = GetEncodedLength(bytes.Length);
        var ascii = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encode(bytes, ascii);
        return Encoding.ASCII.GetString(ascii);
    }

    /// <summary>Encodes <paramref name="bytes"/> as unpadded base64url ASCII into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int Encode(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        var length = GetEncodedLength(bytes.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination needs {length} bytes; it has {destination.Length}.", nameof(destination));
        }

        var index = 0;
        var full = bytes.Length / 3 * 3;
        for (var i = 0; i < full; i += 3)
        {
            var block = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
            destination[index++] = (byte)Alphabet[(block >> 18) & 63];
            destination[index++] = (byte)Alphabet[(block >> 12) & 63];
            destination[index++] = (byte)Alphabet[(block >> 6) & 63];
            destination[index++] = (byte)Alphabet[block & 63];
        }

        var remaining = bytes.Length - full;
        if (remaining == 1)
        {
            var block = bytes[full] << 16;
            destination[index++] = (byte)Alphabet[(block >> 18) & 63];
            destination[index++] = (byte)Alphabet[(block >> 12) & 63];
        }
        else if (remaining == 2)
        {
            var block = (bytes[full] << 16) | (bytes[full + 1] << 8);
            destination[index++] = (byte)Alphabet[(block >> 18) & 63];
            destination[index++] = (byte)Alphabet[(block >> 12) & 63];
            destination[index++] = (byte)Alphabet[(block >> 6) & 63];
        }

        return index;
    }

    /// <summary>The length of the unpadded encoding of <paramref name="byteCount"/> bytes.</summary>
    public static int GetEncodedLength(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        return checked((byteCount / 3 * 4) + (byteCount % 3 == 0 ? 0 : (byteCount % 3) + 1));
    }

    /// <summary>
    /// Decodes strict unpadded base64url text. <see langword="false"/> for padding, whitespace, characters outside
    /// the URL-safe alphabet, an impossible length (4n+1) or non-zero unused trailing bits. Empty text decodes to
    /// an empty array.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (!TryGetDecodedLength(text.Length, out var length))
        {
            return false;
        }

        var ascii = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F)
            {
                return false;
            }

            ascii[i] = (byte)text[i];
        }

        var result = new byte[length];
        if (!TryDecodeCore(ascii, result))
        {
            return false;
        }

        bytes = result;
        return true;
    }

    /// <summary>Decodes strict unpadded base64url ASCII text; the rules of <see cref="TryDecode(ReadOnlySpan{char}, out byte[])"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = [];
        if (!TryGetDecodedLength(text.Length, out var length))
        {
            return false;
        }

        var result = new byte[length];
        if (!TryDecodeCore(text, result))
        {
            return false;
        }

        bytes = result;
        return true;
    }

    /// <summary><see langword="true"/> when every byte is in the URL-safe alphabet (RFC 4648 §5).</summary>
    internal static bool IsAlphabet(ReadOnlySpan<byte> text)
    {
        foreach (var character in text)
        {
            if (character > 0x7F || DecodeTable[character] < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Unpadded base64url has lengths 4n, 4n+2 and 4n+3; 4n+1 cannot occur.</summary>
    internal static bool TryGetDecodedLength(int textLength, out int byteLength)
    {
        var remainder = textLength % 4;
        if (remainder == 1)
        {
            byteLength = 0;
            return false;
        }

        byteLength = (textLength / 4 * 3) + (remainder == 0 ? 0 : remainder - 1);
        return true;
    }

    private static bool TryDecodeCore(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        var index = 0;
        var full = text.Length / 4 * 4;
        for (var i = 0; i < full; i += 4)
        {
            if (!TryValue(text[i], out var a) || !TryValue(text[i + 1], out var b) ||
                !TryValue(text[i + 2], out var c) || !TryValue(text[i + 3], out var d))
            {
                return false;
            }

            var block = (a << 18) | (b << 12) | (c << 6) | d;
            destination[index++] = (byte)((block >> 16) & 0xFF);
            destination[index++] = (byte)((block >> 8) & 0xFF);
            destination[index++] = (byte)(block & 0xFF);
        }

        var remaining = text.Length - full;
        if (remaining == 2)
        {
            if (!TryValue(text[full], out var a) || !TryValue(text[full + 1], out var b) || (b & 0x0F) != 0)
            {
                // RFC 4648 §3.5: the unused low 4 bits must be zero in the canonical encoding.
                return false;
            }

            destination[index++] = (byte)(((a << 2) | (b >> 4)) & 0xFF);
        }
        else if (remaining == 3)
        {
            if (!TryValue(text[full], out var a) || !TryValue(text[full + 1], out var b) ||
                !TryValue(text[full + 2], out var c) || (c & 0x03) != 0)
            {
                // RFC 4648 §3.5: the unused low 2 bits must be zero.
                return false;
            }

            var block = (a << 12) | (b << 6) | c;
            destination[index++] = (byte)((block >> 10) & 0xFF);
            destination[index++] = (byte)((block >> 2) & 0xFF);
        }

        return index == destination.Length;
    }

    private static bool TryValue(byte character, out int value)
    {
        value = character > 0x7F ? -1 : DecodeTable[character];
        return value >= 0;
    }

    private static sbyte[] BuildDecodeTable()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
