using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MedIoT.Ledger.Entries;

/// <summary>
/// A gateway event record (entry format version 2, record kind 1): one alarm event of the gateway's alert engine, so that
/// alarms are provable in the same log as the frames (docs/ledger-entry-format.md has it byte by byte). It carries no
/// patient value. Encoding is canonical and <see cref="TryDecode"/> accepts only that encoding. Immutable.
/// </summary>
public sealed class AlarmEventEntry
{
    /// <summary>The format version of gateway event records (byte 0).</summary>
    public const byte FormatVersion = 2;

    /// <summary>The record kind of an alarm event (byte 1).</summary>
    public const byte RecordKind = 1;

    /// <summary>The longest condition key, in bytes.</summary>
    public const int MaxConditionKeyLength = 200;

    /// <summary>The longest ward, bed or device id, in bytes.</summary>
    public const int MaxLocationLength = 64;

    /// <summary>The longest staff identity, in UTF-8 bytes.</summary>
    public const int MaxAcknowledgedByLength = 128;

    /// <summary>The highest escalation level recorded.</summary>
    public const int MaxEscalationLevel = 15;

    /// <summary>The highest NEWS2 aggregate score (RCP 2017: 20).</summary>
    public const int MaxNews2Score = 20;

    private const byte NoNews2Score = 0xFF;

    // version (1) + kind (1) + event time (8) + event kind (1) + alarm id (8) + priority (1) + category (1)
    // + escalation level (1) + news2 (1) + five string lengths (5).
    private const int FixedLength = 28;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates an entry.</summary>
    /// <exception cref="ArgumentException">A field is out of its documented range.</exception>
    public AlarmEventEntry(long eventUnixNanoseconds, byte eventKind, long alarmId, byte priority, byte category, int escalationLevel,
        int? news2Score, string conditionKey, string? ward, string? bed, string? deviceId, string? acknowledgedBy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventUnixNanoseconds);
        ArgumentOutOfRangeException.ThrowIfNegative(alarmId);
        if (eventKind is < 1 or > 6 || priority is < 1 or > 3 || category is < 1 or > 3)
        {
            throw new ArgumentException("Event kind is 1 to 6, priority and category 1 to 3.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(escalationLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(escalationLevel, MaxEscalationLevel);
        if (news2Score is < 0 or > MaxNews2Score)
        {
            throw new ArgumentOutOfRangeException(nameof(news2Score));
        }

        ArgumentNullException.ThrowIfNull(conditionKey);
        if (!IsToken(conditionKey, 1, MaxConditionKeyLength) || !IsToken(ward ?? string.Empty, 0, MaxLocationLength)
            || !IsToken(bed ?? string.Empty, 0, MaxLocationLength) || string.IsNullOrEmpty(ward) != string.IsNullOrEmpty(bed))
        {
            throw new ArgumentException("Condition key, ward and bed are printable ASCII without spaces; ward and bed are both set or both empty.");
        }

        if (!string.IsNullOrEmpty(deviceId) && !LedgerEntry.IsValidDeviceId(deviceId))
        {
            throw new ArgumentException("A device id is 1 to 64 characters of [A-Za-z0-9._-].", nameof(deviceId));
        }

        if (!string.IsNullOrEmpty(acknowledgedBy) && !IsText(acknowledgedBy))
        {
            throw new ArgumentException($"Acknowledged by is 1 to {MaxAcknowledgedByLength} UTF-8 bytes without control characters.", nameof(acknowledgedBy));
        }

        EventUnixNanoseconds = eventUnixNanoseconds;
        EventKind = eventKind;
        AlarmId = alarmId;
        Priority = priority;
        Category = category;
        EscalationLevel = escalationLevel;
        News2Score = news2Score;
        ConditionKey = conditionKey;
        Ward = string.IsNullOrEmpty(ward) ? null : ward;
        Bed = string.IsNullOrEmpty(bed) ? null : bed;
        DeviceId = string.IsNullOrEmpty(deviceId) ? null : deviceId;
        AcknowledgedBy = string.IsNullOrEmpty(acknowledgedBy) ? null : acknowledgedBy;
    }

    /// <summary>When the event happened, in nanoseconds since 1970-01-01T00:00:00Z.</summary>
    public long EventUnixNanoseconds { get; }

    /// <summary>1 raised, 2 updated, 3 escalated, 4 acknowledged, 5 latched, 6 resolved.</summary>
    public byte EventKind { get; }

    /// <summary>The alarm's id (unique within the gateway's alert engine).</summary>
    public long AlarmId { get; }

    /// <summary>1 low, 2 medium, 3 high.</summary>
    public byte Priority { get; }

    /// <summary>1 physiological, 2 technical, 3 security (the IT channel).</summary>
    public byte Category { get; }

    /// <summary>0 for the first recipient, then one more per escalation.</summary>
    public int EscalationLevel { get; }

    /// <summary>The NEWS2 aggregate score of a NEWS2 alarm; null otherwise.</summary>
    public int? News2Score { get; }

    /// <summary>The alarm condition's key (for example <c>vital-below/150456</c>).</summary>
    public string ConditionKey { get; }

    /// <summary>The ward, or null for a gateway-wide alarm.</summary>
    public string? Ward { get; }

    /// <summary>The bed, or null for a gateway-wide alarm.</summary>
    public string? Bed { get; }

    /// <summary>The device the alarm concerns, if any.</summary>
    public string? DeviceId { get; }

    /// <summary>The staff member who acknowledged the alarm, if anyone has.</summary>
    public string? AcknowledgedBy { get; }

    /// <summary>The canonical encoding.</summary>
    public byte[] Encode()
    {
        var key = Encoding.ASCII.GetBytes(ConditionKey);
        var ward = Encoding.ASCII.GetBytes(Ward ?? string.Empty);
        var bed = Encoding.ASCII.GetBytes(Bed ?? string.Empty);
        var device = Encoding.ASCII.GetBytes(DeviceId ?? string.Empty);
        var acknowledgedBy = StrictUtf8.GetBytes(AcknowledgedBy ?? string.Empty);
        var bytes = new byte[FixedLength + key.Length + ward.Length + bed.Length + device.Length + acknowledgedBy.Length];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        span[1] = RecordKind;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], EventUnixNanoseconds);
        span[10] = EventKind;
        BinaryPrimitives.WriteInt64BigEndian(span[11..], AlarmId);
        span[19] = Priority;
        span[20] = Category;
        span[21] = (byte)EscalationLevel;
        span[22] = News2Score is { } score ? (byte)score : NoNews2Score;
        var offset = 23;
        foreach (var field in (ReadOnlySpan<byte[]>)[key, ward, bed, device, acknowledgedBy])
        {
            span[offset] = (byte)field.Length;
            field.CopyTo(span[(offset + 1)..]);
            offset += 1 + field.Length;
        }

        return bytes;
    }

    /// <summary>Whether <paramref name="bytes"/> claims to be a gateway event record (format version 2); it may still be invalid.</summary>
    public static bool IsGatewayEvent(ReadOnlySpan<byte> bytes) => !bytes.IsEmpty && bytes[0] == FormatVersion;

    /// <summary>Decodes untrusted bytes strictly; never throws.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out AlarmEventEntry? entry, out AlarmEventEntryFailure failure)
    {
        entry = null;
        if (bytes.IsEmpty)
        {
            return Fail(AlarmEventEntryFailure.Truncated, out failure);
        }

        if (bytes[0] != FormatVersion)
        {
            return Fail(AlarmEventEntryFailure.UnsupportedVersion, out failure);
        }

        if (bytes.Length < 2)
        {
            return Fail(AlarmEventEntryFailure.Truncated, out failure);
        }

        if (bytes[1] != RecordKind)
        {
            return Fail(AlarmEventEntryFailure.UnknownRecordKind, out failure);
        }

        if (bytes.Length < 23)
        {
            return Fail(AlarmEventEntryFailure.Truncated, out failure);
        }

        var time = BinaryPrimitives.ReadInt64BigEndian(bytes[2..]);
        if (time < 0)
        {
            return Fail(AlarmEventEntryFailure.InvalidEventTime, out failure);
        }

        var alarmId = BinaryPrimitives.ReadInt64BigEndian(bytes[11..]);
        if (bytes[10] is < 1 or > 6 || bytes[19] is < 1 or > 3 || bytes[20] is < 1 or > 3 || alarmId < 0
            || bytes[21] > MaxEscalationLevel || (bytes[22] > MaxNews2Score && bytes[22] != NoNews2Score))
        {
            return Fail(AlarmEventEntryFailure.FieldOutOfRange, out failure);
        }

        var offset = 23;
        Span<int> starts = stackalloc int[5];
        Span<int> lengths = stackalloc int[5];
        for (var i = 0; i < 5; i++)
        {
            if (bytes.Length < offset + 1)
            {
                return Fail(AlarmEventEntryFailure.Truncated, out failure);
            }

            lengths[i] = bytes[offset];
            starts[i] = offset + 1;
            offset += 1 + lengths[i];
            if (bytes.Length < offset)
            {
                return Fail(AlarmEventEntryFailure.Truncated, out failure);
            }
        }

        if (bytes.Length > offset)
        {
            return Fail(AlarmEventEntryFailure.TrailingBytes, out failure);
        }

        var key = Ascii(bytes.Slice(starts[0], lengths[0]));
        var ward = Ascii(bytes.Slice(starts[1], lengths[1]));
        var bed = Ascii(bytes.Slice(starts[2], lengths[2]));
        var device = Ascii(bytes.Slice(starts[3], lengths[3]));
        if (key is null || ward is null || bed is null || !IsToken(key, 1, MaxConditionKeyLength) || !IsToken(ward, 0, MaxLocationLength)
            || !IsToken(bed, 0, MaxLocationLength) || (ward.Length == 0) != (bed.Length == 0))
        {
            return Fail(AlarmEventEntryFailure.InvalidText, out failure);
        }

        if (device is null || (device.Length > 0 && !LedgerEntry.IsValidDeviceId(device)))
        {
            return Fail(AlarmEventEntryFailure.InvalidText, out failure);
        }

        string acknowledgedBy;
        try
        {
            acknowledgedBy = StrictUtf8.GetString(bytes.Slice(starts[4], lengths[4]));
        }
        catch (DecoderFallbackException)
        {
            return Fail(AlarmEventEntryFailure.InvalidText, out failure);
        }

        if (acknowledgedBy.Length > 0 && !IsText(acknowledgedBy))
        {
            return Fail(AlarmEventEntryFailure.InvalidText, out failure);
        }

        entry = new AlarmEventEntry(time, bytes[10], alarmId, bytes[19], bytes[20], bytes[21], bytes[22] == NoNews2Score ? null : bytes[22],
            key, ward, bed, device, acknowledgedBy);
        failure = AlarmEventEntryFailure.None;
        return true;
    }

    // Printable ASCII without space (0x21 to 0x7E).
    private static bool IsToken(string value, int minimum, int maximum)
    {
        if (value.Length < minimum || value.Length > maximum)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsText(string value)
    {
        if (StrictUtf8.GetByteCount(value) > MaxAcknowledgedByLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Ascii(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b > 0x7F)
            {
                return null;
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }

    private static bool Fail(AlarmEventEntryFailure reason, out AlarmEventEntryFailure failure)
    {
        failure = reason;
        return false;
    }
}
