using System.Security.Cryptography;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Per-device sequence numbers (docs/device-protocol.md, "Sequence numbers"). A sequence above the
/// highest seen is new; one within the window below it is new if not seen yet, a harmless duplicate if
/// seen with the same signature, and a conflict (a security event) if seen with a different one; an
/// older one is a replay. Not thread-safe: the ingestion loop is its only caller.
/// </summary>
internal sealed class ReplayGuard(int window)
{
    private readonly Dictionary<string, DeviceWindow> _devices = new(StringComparer.Ordinal);

    /// <summary>What a frame's sequence number means.</summary>
    public enum Verdict
    {
        /// <summary>Not seen before: store it.</summary>
        New,

        /// <summary>The identical frame again (a redelivery): acknowledge, do not store twice.</summary>
        Duplicate,

        /// <summary>The same sequence number with different content: an attack or a broken device.</summary>
        Conflict,

        /// <summary>Older than the window: a replay.</summary>
        Replayed,
    }

    /// <summary>Classifies a frame and, when new, records it.</summary>
    public Verdict Check(string deviceId, long sequenceNumber, ReadOnlySpan<byte> signature)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            device = new DeviceWindow(window);
            _devices.Add(deviceId, device);
        }

        return device.Check(sequenceNumber, signature);
    }

    /// <summary>The window size this guard was made with.</summary>
    public int Window => window;

    /// <summary>Writes every device's window (the journal's replay snapshot, Journal/ReplaySnapshot).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_devices.Count);
        foreach (var (deviceId, device) in _devices)
        {
            writer.Write(deviceId);
            device.WriteTo(writer);
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote into this (empty) guard.</summary>
    /// <exception cref="InvalidDataException">The data is not a snapshot of this window size.</exception>
    public void ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var count = reader.ReadInt32();
        if (count < 0 || _devices.Count != 0)
        {
            throw new InvalidDataException("The replay snapshot has a negative device count.");
        }

        for (var i = 0; i < count; i++)
        {
            var deviceId = reader.ReadString();
            var device = new DeviceWindow(window);
            device.ReadFrom(reader);
            _devices[deviceId] = device;
        }
    }

    private sealed class DeviceWindow(int size)
    {
        private const int FingerprintLength = 16;
        private readonly long[] _sequences = CreateEmpty(size);
        private readonly byte[] _fingerprints = new byte[size * FingerprintLength];
        private long _highest = -1;

        public Verdict Check(long sequenceNumber, ReadOnlySpan<byte> signature)
        {
            // An Ed25519 signature (already verified) is unique to its message: its first bytes
            // (part of R, RFC 8032 §5.1.6) tell a redelivery from different content without hashing.
            var fingerprint = signature[..FingerprintLength];

            if (_highest >= 0 && sequenceNumber <= _highest - size)
            {
                return Verdict.Replayed;
            }

            var slot = (int)(sequenceNumber % size);
            var stored = _fingerprints.AsSpan(slot * FingerprintLength, FingerprintLength);
            if (_sequences[slot] == sequenceNumber)
            {
                return CryptographicOperations.FixedTimeEquals(stored, fingerprint) ? Verdict.Duplicate : Verdict.Conflict;
            }

            _sequences[slot] = sequenceNumber;
            fingerprint.CopyTo(stored);
            _highest = Math.Max(_highest, sequenceNumber);
            return Verdict.New;
        }

        public void WriteTo(BinaryWriter writer)
        {
            writer.Write(_highest);
            var occupied = _sequences.Count(s => s >= 0);
            writer.Write(occupied);
            for (var slot = 0; slot < size; slot++)
            {
                if (_sequences[slot] >= 0)
                {
                    writer.Write(_sequences[slot]);
                    writer.Write(_fingerprints, slot * FingerprintLength, FingerprintLength);
                }
            }
        }

        public void ReadFrom(BinaryReader reader)
        {
            _highest = reader.ReadInt64();
            var occupied = reader.ReadInt32();
            if (occupied < 0 || occupied > size)
            {
                throw new InvalidDataException("The replay snapshot holds more sequence numbers than the window.");
            }

            for (var i = 0; i < occupied; i++)
            {
                var sequence = reader.ReadInt64();
                if (sequence < 0)
                {
                    throw new InvalidDataException("The replay snapshot holds a negative sequence number.");
                }

                var slot = (int)(sequence % size);
                _sequences[slot] = sequence;
                if (reader.Read(_fingerprints, slot * FingerprintLength, FingerprintLength) != FingerprintLength)
                {
                    throw new EndOfStreamException("The replay snapshot ends inside a fingerprint.");
                }
            }
        }

        private static long[] CreateEmpty(int size)
        {
            var sequences = new long[size];
            Array.Fill(sequences, -1);
            return sequences;
        }
    }
}
