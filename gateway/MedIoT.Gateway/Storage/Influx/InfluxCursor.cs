using System.Buffers.Binary;
using MedIoT.Ledger.Storage;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// The InfluxDB writer's position in the journal: how many entries are durable in InfluxDB. Sixteen bytes (the position
/// and its bitwise complement, little-endian, so a damaged file is recognised), replaced atomically after every durable
/// write (temporary file, flush, rename, flush of the folder).
/// </summary>
internal static class InfluxCursor
{
    /// <summary>Reads the position; 0 when there is no cursor yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is damaged.</exception>
    public static long Read(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 16)
        {
            throw new InvalidDataException($"The InfluxDB cursor '{path}' is damaged (length {bytes.Length}). Delete it to write the whole journal again (InfluxDB keeps one point per series and time).");
        }

        var position = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (position < 0 || ~position != BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)))
        {
            throw new InvalidDataException($"The InfluxDB cursor '{path}' is damaged. Delete it to write the whole journal again (InfluxDB keeps one point per series and time).");
        }

        return position;
    }

    /// <summary>Durably records the position.</summary>
    public static void Write(string path, long position)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, position);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], ~position);
        DurableFolder.ReplaceFile(path, bytes);
    }
}
