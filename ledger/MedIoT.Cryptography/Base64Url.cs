using System.Buffers;
using System.Text;
using Codec = System.Buffers.Text.Base64Url;

namespace MedIoT.Cryptography;

/// <summary>
/// Base64url without padding, exactly as RFC 7515 §2 defines it for JOSE (RFC 4648 §5 alphabet, no "=" padding, no
/// line breaks or other characters). Decoding is strict: it accepts only the canonical encoding, so one byte string
/// has exactly one text form and a signed token cannot be re-spelled without changing its signing input. The
/// encoding itself is .NET's (<see cref="Codec"/>); this type adds the strictness JOSE needs, which .NET's decoder
/// does not have (it skips white space and accepts padding).
/// </summary>
public static class Base64Url
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly SearchValues<byte> AlphabetBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Alphabet));

    /// <summary>Encodes <paramref name="bytes"/> as unpadded base64url.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Codec.EncodeToString(bytes);

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

        return Codec.EncodeToUtf8(bytes, destination);
    }

    /// <summary>The length of the unpadded encoding of <paramref name="byteCount"/> bytes.</summary>
    public static int GetEncodedLength(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        return Codec.GetEncodedLength(byteCount);
    }

    /// <summary>
    /// Decodes strict unpadded base64url text. <see langword="false"/> for padding, whitespace, characters outside
    /// the URL-safe alphabet, an impossible length (4n+1) or non-zero unused trailing bits. Empty text decodes to
    /// an empty array.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (!Ascii.IsValid(text))
        {
            return false;
        }

        var ascii = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        Encoding.ASCII.GetBytes(text, ascii);
        return TryDecode(ascii, out bytes);
    }

    /// <summary>Decodes strict unpadded base64url ASCII text; the rules of <see cref="TryDecode(ReadOnlySpan{char}, out byte[])"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = [];
        if (!IsCanonical(text))
        {
            return false;
        }

        var result = new byte[Codec.GetMaxDecodedLength(text.Length)];
        if (Codec.DecodeFromUtf8(text, result, out var consumed, out var written) != OperationStatus.Done
            || consumed != text.Length || written != result.Length)
        {
            return false;
        }

        bytes = result;
        return true;
    }

    // Unpadded base64url has lengths 4n, 4n+2 and 4n+3 (4n+1 cannot occur), only alphabet characters, and, in the
    // canonical encoding, zero unused low bits in its last character (RFC 4648 §3.5): 4 bits after 2 characters, 2 after 3.
    private static bool IsCanonical(ReadOnlySpan<byte> text)
    {
        var remainder = text.Length % 4;
        if (remainder == 1 || text.ContainsAnyExcept(AlphabetBytes))
        {
            return false;
        }

        var unusedBits = remainder switch { 2 => 0x0F, 3 => 0x03, _ => 0 };
        return unusedBits == 0 || (Alphabet.IndexOf((char)text[^1], StringComparison.Ordinal) & unusedBits) == 0;
    }
}
