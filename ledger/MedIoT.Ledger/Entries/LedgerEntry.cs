using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MedIoT.Ledger.Entries;

/// <summary>
/// The canonical leaf of the log: one accepted frame, as a versioned, length-prefixed binary record
/// (docs/ledger-entry-format.md has it byte by byte). Encoding is canonical: one entry has exactly one encoding,
/// and <see cref="TryDecode"/> accepts only that encoding, so a leaf hash names exactly one entry. Immutable.
/// </summary>
public sealed class LedgerEntry
{
    /// <summary>The format version this code writes and reads (byte 0).</summary>
    public const byte FormatVersion = 1;

    /// <summary>The largest frame accepted, in bytes (four times the gateway's 16 KiB frame limit).</summary>
    public const int MaxFrameLength = 65536;

    /// <summary>The longest device id, in characters (docs/ledger-entry-format.md).</summary>
    public const int MaxDeviceIdLength = 64;

    /// <summary>The largest sequence number, 2^53 - 1, so that every sequence number is exact in a JSON number (RFC 8259 §6).</summary>
    public const long MaxSequenceNumber = 9007199254740991;

    // version (1) + attestation (1) + receive time (8) + sequence (8) + device id length (1) + frame length (4).
    private const int FixedLength = 23;

    private static readonly SearchValues<char> DeviceIdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private readonly byte[] _frame;

    /// <summary>Creates an entry.</summary>
    /// <exception cref="ArgumentException">A field is out of its documented range.</exception>
    public LedgerEntry(string deviceId, long sequenceNumber, ReadOnlySpan<byte> frame, EntryAttestation attestation, long receivedUnixNanoseconds)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (!IsValidDeviceId(deviceId))
        {
            throw new ArgumentException("A device id is 1 to 64 characters of [A-Za-z0-9._-].", nameof(deviceId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceNumber, MaxSequenceNumber);
        if (frame.IsEmpty || frame.Length > MaxFrameLength)
        {
            throw new ArgumentException($"A frame is 1 to {MaxFrameLength} bytes; got {frame.Length}.", nameof(frame));
        }

        if (!Enum.IsDefined(attestation))
        {
            throw new ArgumentException($"Unknown attestation {(byte)attestation}.", nameof(attestation));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(receivedUnixNanoseconds);
        DeviceId = deviceId;
        SequenceNumber = sequenceNumber;
        _frame = frame.ToArray();
        Attestation = attestation;
        ReceivedUnixNanoseconds = receivedUnixNanoseconds;
    }

    /// <summary>The device id (1 to 64 of [A-Za-z0-9._-]).</summary>
    public string DeviceId { get; }

    /// <summary>The device's frame sequence number, 0 to 2^53 - 1.</summary>
    public long SequenceNumber { get; }

    /// <summary>The frame as received: for <see cref="EntryAttestation.DeviceSigned"/> the JWS compact bytes.</summary>
    public ReadOnlyMemory<byte> Frame => _frame;

    /// <summary>How the frame was verified or attested.</summary>
    public EntryAttestation Attestation { get; }

    /// <summary>When the gateway received the frame, in nanoseconds since 1970-01-01T00:00:00Z.</summary>
    public long ReceivedUnixNanoseconds { get; }

    /// <summary>The length of <see cref="Encode"/>'s result.</summary>
    public int EncodedLength => FixedLength + DeviceId.Length + _frame.Length;

    /// <summary>The canonical encoding.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        span[1] = (byte)Attestation;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], ReceivedUnixNanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(span[10..], SequenceNumber);
        span[18] = (byte)DeviceId.Length;
        var offset = 19 + Encoding.ASCII.GetBytes(DeviceId, span[19..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], (uint)_frame.Length);
        _frame.CopyTo(span[(offset + 4)..]);
        return bytes;
    }

    /// <summary>Decodes untrusted bytes strictly; never throws.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out LedgerEntry? entry, out LedgerEntryFailure failure)
    {
        entry = null;
        if (bytes.Length < 1)
        {
            return Fail(LedgerEntryFailure.Truncated, out failure);
        }

        if (bytes[0] != FormatVersion)
        {
            return Fail(LedgerEntryFailure.UnsupportedVersion, out failure);
        }

        if (bytes.Length < 19)
        {
            return Fail(LedgerEntryFailure.Truncated, out failure);
        }

        var attestation = (EntryAttestation)bytes[1];
        if (!Enum.IsDefined(attestation))
        {
            return Fail(LedgerEntryFailure.UnknownAttestation, out failure);
        }

        var received = BinaryPrimitives.ReadInt64BigEndian(bytes[2..]);
        if (received < 0)
        {
            return Fail(LedgerEntryFailure.InvalidReceiveTime, out failure);
        }

        var sequence = BinaryPrimitives.ReadInt64BigEndian(bytes[10..]);
        if (sequence is < 0 or > MaxSequenceNumber)
        {
            return Fail(LedgerEntryFailure.SequenceOutOfRange, out failure);
        }

        int deviceIdLength = bytes[18];
        if (bytes.Length < 19 + deviceIdLength)
        {
            return Fail(LedgerEntryFailure.Truncated, out failure);
        }

        var deviceIdBytes = bytes.Slice(19, deviceIdLength);
        Span<char> deviceIdChars = stackalloc char[deviceIdLength];
        for (var i = 0; i < deviceIdLength; i++)
        {
            deviceIdChars[i] = (char)deviceIdBytes[i];
        }

        if (!IsValidDeviceId(deviceIdChars))
        {
            return Fail(LedgerEntryFailure.InvalidDeviceId, out failure);
        }

        var offset = 19 + deviceIdLength;
        if (bytes.Length < offset + 4)
        {
            return Fail(LedgerEntryFailure.Truncated, out failure);
        }

        var frameLength = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
        if (frameLength is 0 or > MaxFrameLength)
        {
            return Fail(LedgerEntryFailure.FrameLengthOutOfRange, out failure);
        }

        offset += 4;
        if ((long)bytes.Length < offset + (long)frameLength)
        {
            return Fail(LedgerEntryFailure.Truncated, out failure);
        }

        if (bytes.Length > offset + (int)frameLength)
        {
            return Fail(LedgerEntryFailure.TrailingBytes, out failure);
        }

        entry = new LedgerEntry(new string(deviceIdChars), sequence, bytes.Slice(offset, (int)frameLength), attestation, received);
        failure = LedgerEntryFailure.None;
        return true;
    }

    /// <summary>A device id is 1 to <see cref="MaxDeviceIdLength"/> characters of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidDeviceId(ReadOnlySpan<char> deviceId) =>
        deviceId.Length is > 0 and <= MaxDeviceIdLength && !deviceId.ContainsAnyExcept(DeviceIdCharacters);

    private static bool Fail(LedgerEntryFailure reason, out LedgerEntryFailure failure)
    {
        failure = reason;
        return false;
    }
}
