using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace MedIoT.Ledger.Storage;

/// <summary>
/// Reads of the log's data files shared by the writer (<see cref="MerkleLog"/>) and a reader beside it
/// (<see cref="MerkleLogReader"/>): <c>entries</c> holds the entries back to back, <c>index</c> the end offset of each
/// (little-endian int64), so entry i spans [end(i − 1), end(i)).
/// </summary>
internal static class LogFiles
{
    /// <summary>Reads entry <paramref name="entryIndex"/>, which the caller has checked is below the durable size.</summary>
    /// <exception cref="InvalidDataException">The index file holds impossible offsets, or a file ends early.</exception>
    public static byte[] ReadEntry(SafeFileHandle index, SafeFileHandle entries, long entryIndex, string folder)
    {
        Span<byte> bounds = stackalloc byte[2 * sizeof(long)];
        long start, end;
        if (entryIndex == 0)
        {
            ReadExactly(index, bounds[..sizeof(long)], 0, folder);
            start = 0;
            end = BinaryPrimitives.ReadInt64LittleEndian(bounds);
        }
        else
        {
            ReadExactly(index, bounds, (entryIndex - 1) * sizeof(long), folder);
            start = BinaryPrimitives.ReadInt64LittleEndian(bounds);
            end = BinaryPrimitives.ReadInt64LittleEndian(bounds[sizeof(long)..]);
        }

        if (start < 0 || end < start || end - start > MerkleLog.MaxEntryLength)
        {
            throw new InvalidDataException($"The entry index of the log in '{folder}' is corrupt at entry {entryIndex}.");
        }

        var entry = new byte[end - start];
        ReadExactly(entries, entry, start, folder);
        return entry;
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; a file that ends first is corrupt.</summary>
    /// <exception cref="InvalidDataException">The file ends before <paramref name="destination"/> is full.</exception>
    public static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset, string folder)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read <= 0)
            {
                throw new InvalidDataException($"The log in '{folder}' is corrupt: a read ended early at offset {offset}.");
            }

            destination = destination[read..];
            offset += read;
        }
    }
}
