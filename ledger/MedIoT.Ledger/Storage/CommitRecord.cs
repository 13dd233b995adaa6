using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MedIoT.Ledger.Storage;

/// <summary>
/// The durable size of the log: a 64-byte record written in place into one of two slots of the commit file
/// (slot = generation mod 2, the slots 512 bytes apart so they never share a disk sector). A torn write damages only
/// the slot being written, whose checksum then fails, and the other slot still holds the previous durable size.
/// Layout (big-endian): magic "MLC1" (4), generation (8), tree size (8), entry bytes (8), SHA-256 of the previous
/// 28 bytes (32), zero padding (4).
/// </summary>
internal readonly record struct CommitRecord(long Generation, long Size, long EntryBytes)
{
    public const int Length = 64;
    public const int SlotStride = 512;
    public const int FileLength = 2 * SlotStride;

    private static ReadOnlySpan<byte> Magic => "MLC1"u8;

    public long SlotOffset => (Generation % 2) * SlotStride;

    public void Write(Span<byte> destination)
    {
        destination[..Length].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt64BigEndian(destination[4..], Generation);
        BinaryPrimitives.WriteInt64BigEndian(destination[12..], Size);
        BinaryPrimitives.WriteInt64BigEndian(destination[20..], EntryBytes);
        SHA256.HashData(destination[..28], destination[28..60]);
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out CommitRecord record)
    {
        record = default;
        if (source.Length < Length || !source[..4].SequenceEqual(Magic))
        {
            return false;
        }

        Span<byte> checksum = stackalloc byte[32];
        SHA256.HashData(source[..28], checksum);
        if (!CryptographicOperations.FixedTimeEquals(checksum, source[28..60]))
        {
            return false;
        }

        var generation = BinaryPrimitives.ReadInt64BigEndian(source[4..]);
        var size = BinaryPrimitives.ReadInt64BigEndian(source[12..]);
        var entryBytes = BinaryPrimitives.ReadInt64BigEndian(source[20..]);
        if (generation < 0 || size < 0 || entryBytes < 0)
        {
            return false;
        }

        record = new CommitRecord(generation, size, entryBytes);
        return true;
    }
}
