using System.Security.Cryptography;

namespace MedIoT.Ledger.Hashing;

/// <summary>
/// The RFC 9162 §2.1.1 hashing (identical to RFC 6962 §2.1) with SHA-256: leaf hashes are
/// <c>SHA-256(0x00 || entry)</c>, interior nodes <c>SHA-256(0x01 || left || right)</c>, and the empty tree is
/// <c>SHA-256("")</c>. There is no padding and no duplicated last node. All methods are thread-safe.
/// </summary>
public static class MerkleHash
{
    /// <summary>The length of every hash in bytes (SHA-256).</summary>
    public const int Length = 32;

    /// <summary>The leaf prefix byte (RFC 9162 §2.1.1), which separates leaves from interior nodes.</summary>
    public const byte LeafPrefix = 0x00;

    /// <summary>The interior node prefix byte (RFC 9162 §2.1.1).</summary>
    public const byte NodePrefix = 0x01;

    private static readonly byte[] EmptyRootBytes = SHA256.HashData([]);

    /// <summary>MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1), the root of a log with no entries.</summary>
    public static ReadOnlySpan<byte> EmptyRoot => EmptyRootBytes;

    /// <summary>Writes <c>SHA-256(0x00 || entry)</c> into the 32-byte <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not 32 bytes.</exception>
    public static void HashLeaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        RequireHashLength(destination, nameof(destination));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> prefix = [LeafPrefix];
        hash.AppendData(prefix);
        hash.AppendData(entry);
        hash.GetHashAndReset(destination);
    }

    /// <summary>Returns <c>SHA-256(0x00 || entry)</c>.</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        var result = new byte[Length];
        HashLeaf(entry, result);
        return result;
    }

    /// <summary>Writes <c>SHA-256(0x01 || left || right)</c> into <paramref name="destination"/>, which may alias an input.</summary>
    /// <exception cref="ArgumentException">An argument is not 32 bytes.</exception>
    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        RequireHashLength(left, nameof(left));
        RequireHashLength(right, nameof(right));
        RequireHashLength(destination, nameof(destination));
        Span<byte> buffer = stackalloc byte[1 + (2 * Length)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Length)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>Returns <c>SHA-256(0x01 || left || right)</c>.</summary>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[Length];
        HashChildren(left, right, result);
        return result;
    }

    /// <summary>
    /// Compares two hashes in constant time for equal lengths (<see cref="CryptographicOperations.FixedTimeEquals"/>);
    /// <see langword="false"/> when the lengths differ.
    /// </summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (the split point k of RFC 9162 §2.1.1), n ≥ 2.</summary>
    internal static long SplitPoint(long n)
    {
        System.Diagnostics.Debug.Assert(n >= 2);
        return 1L << (63 - (int)long.LeadingZeroCount(n - 1));
    }

    private static void RequireHashLength(ReadOnlySpan<byte> span, string name)
    {
        if (span.Length != Length)
        {
            throw new ArgumentException($"A Merkle hash is exactly {Length} bytes; got {span.Length}.", name);
        }
    }
}
