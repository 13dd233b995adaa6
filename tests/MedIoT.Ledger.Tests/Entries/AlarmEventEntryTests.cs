using System.Text;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Tests.Entries;

public sealed class AlarmEventEntryTests
{
    // The worked example of docs/ledger-entry-format.md (format version 2; the test is what produced it, and keeps it true).
    internal const string WorkedExampleHex =
        "02" + "01" + "18ea10ea56b1ed15" + "04" + "0000000000000007" + "03" + "01" + "00" + "07" +
        "05" + "6e65777332" + "06" + "776172643761" + "05" + "6265643031" + "00" + "0b" + "6e757273652e6a6f6e6573";

    internal static AlarmEventEntry Example() =>
        new(1_795_266_000_123_456_789, eventKind: 4, alarmId: 7, priority: 3, category: 1, escalationLevel: 0, news2Score: 7,
            "news2", "ward7a", "bed01", deviceId: null, acknowledgedBy: "nurse.jones");

    [Fact]
    public void The_worked_example_encodes_to_the_documented_bytes_and_leaf_hash()
    {
        var bytes = Example().Encode();
        Assert.Equal(WorkedExampleHex, Convert.ToHexStringLower(bytes));
        Assert.Equal(55, bytes.Length);
        Assert.Equal("318344c9f81fd26f61df5a5afc81e9064ecf81fcf9fd1fc970c1dc5829c704a4", Convert.ToHexStringLower(MerkleHash.HashLeaf(bytes)));
    }

    [Fact]
    public void Encoding_round_trips_every_field()
    {
        var random = new Random(31);
        const string token = "abcXYZ019._-/:";
        string Token(int min, int max) => new([.. Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => token[random.Next(token.Length)])]);
        for (var trial = 0; trial < 500; trial++)
        {
            var hasBed = random.Next(2) == 0;
            var entry = new AlarmEventEntry(random.NextInt64(0, long.MaxValue), (byte)random.Next(1, 7), random.NextInt64(0, long.MaxValue),
                (byte)random.Next(1, 4), (byte)random.Next(1, 4), random.Next(0, 16), random.Next(2) == 0 ? null : random.Next(0, 21),
                Token(1, 200), hasBed ? Token(1, 64) : null, hasBed ? Token(1, 64) : null,
                random.Next(2) == 0 ? null : new string('d', random.Next(1, 65)), random.Next(2) == 0 ? null : "Schwester Jürgen " + trial);
            var encoded = entry.Encode();
            Assert.True(AlarmEventEntry.TryDecode(encoded, out var decoded, out var failure), failure.ToString());
            Assert.Equal(entry.EventUnixNanoseconds, decoded.EventUnixNanoseconds);
            Assert.Equal(entry.EventKind, decoded.EventKind);
            Assert.Equal(entry.AlarmId, decoded.AlarmId);
            Assert.Equal(entry.Priority, decoded.Priority);
            Assert.Equal(entry.Category, decoded.Category);
            Assert.Equal(entry.EscalationLevel, decoded.EscalationLevel);
            Assert.Equal(entry.News2Score, decoded.News2Score);
            Assert.Equal(entry.ConditionKey, decoded.ConditionKey);
            Assert.Equal(entry.Ward, decoded.Ward);
            Assert.Equal(entry.Bed, decoded.Bed);
            Assert.Equal(entry.DeviceId, decoded.DeviceId);
            Assert.Equal(entry.AcknowledgedBy, decoded.AcknowledgedBy);
            Assert.Equal(encoded, decoded.Encode());
            Assert.False(LedgerEntry.TryDecode(encoded, out _, out var v1Failure));
            Assert.Equal(LedgerEntryFailure.UnsupportedVersion, v1Failure);
        }
    }

    private const string Head = "0201" + "18ea10ea56b1ed15";
    private const string Fields = "04" + "0000000000000007" + "03" + "01" + "00" + "07";
    private const string Strings = "05" + "6e65777332" + "06" + "776172643761" + "05" + "6265643031" + "00" + "0b" + "6e757273652e6a6f6e6573";

    public static TheoryData<string, AlarmEventEntryFailure> Rejections => new()
    {
        { "", AlarmEventEntryFailure.Truncated },
        { "02", AlarmEventEntryFailure.Truncated },
        { "01" + WorkedExampleHex[2..], AlarmEventEntryFailure.UnsupportedVersion },
        { "0202" + WorkedExampleHex[4..], AlarmEventEntryFailure.UnknownRecordKind },
        { "0200" + WorkedExampleHex[4..], AlarmEventEntryFailure.UnknownRecordKind },
        { "0201" + "8000000000000000" + Fields + Strings, AlarmEventEntryFailure.InvalidEventTime },
        { Head + "00" + Fields[2..] + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + "07" + Fields[2..] + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + "04" + "8000000000000000" + "03010007" + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + "04" + "0000000000000007" + "04010007" + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + "04" + "0000000000000007" + "03000007" + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + "04" + "0000000000000007" + "03011007" + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + "04" + "0000000000000007" + "03010015" + Strings, AlarmEventEntryFailure.FieldOutOfRange },
        { Head + Fields + "00" + Strings[12..], AlarmEventEntryFailure.InvalidText },
        { Head + Fields + "05" + "6e65772032" + Strings[12..], AlarmEventEntryFailure.InvalidText },
        { Head + Fields + "05" + "6e6577c332" + Strings[12..], AlarmEventEntryFailure.InvalidText },
        { Head + Fields + "05" + "6e65777332" + "06" + "776172643761" + "00" + "00" + "00", AlarmEventEntryFailure.InvalidText },
        { Head + Fields + "05" + "6e65777332" + "00" + "00" + "01" + "2f" + "00", AlarmEventEntryFailure.InvalidText },
        { Head + Fields + "05" + "6e65777332" + "00" + "00" + "00" + "02" + "0a41", AlarmEventEntryFailure.InvalidText },
        { Head + Fields + "05" + "6e65777332" + "00" + "00" + "00" + "01" + "ff", AlarmEventEntryFailure.InvalidText },
        { WorkedExampleHex[..^2], AlarmEventEntryFailure.Truncated },
        { WorkedExampleHex[..40], AlarmEventEntryFailure.Truncated },
        { WorkedExampleHex[..46], AlarmEventEntryFailure.Truncated },
        { WorkedExampleHex + "00", AlarmEventEntryFailure.TrailingBytes },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Malformed_encodings_are_rejected_with_their_reason(string hex, AlarmEventEntryFailure expected)
    {
        Assert.False(AlarmEventEntry.TryDecode(Convert.FromHexString(hex), out var entry, out var failure));
        Assert.Null(entry);
        Assert.Equal(expected, failure);
    }

    [Fact]
    public void Fuzzed_bytes_never_throw_and_anything_accepted_is_canonical()
    {
        var valid = Example().Encode();
        var accepted = 0;
        foreach (var candidate in FuzzedEntries.From(valid, 32, AlarmEventEntry.FormatVersion, AlarmEventEntry.RecordKind))
        {
            if (AlarmEventEntry.TryDecode(candidate, out var entry, out var failure))
            {
                accepted++;
                Assert.Equal(AlarmEventEntryFailure.None, failure);
                Assert.Equal(candidate, entry.Encode());
            }
            else
            {
                Assert.NotEqual(AlarmEventEntryFailure.None, failure);
            }

            // A frame entry decoder never takes a gateway event record for a frame.
            Assert.False(candidate.Length > 0 && candidate[0] == AlarmEventEntry.FormatVersion && LedgerEntry.TryDecode(candidate, out _, out _));
        }

        Assert.InRange(accepted, 1, FuzzedEntries.Count);
    }

    [Fact]
    public void Invalid_fields_are_programming_errors_when_creating_an_entry()
    {
        Assert.Throws<ArgumentException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 0, null, "has space", null, null, null, null));
        Assert.Throws<ArgumentException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 0, null, "k", "ward", null, null, null));
        Assert.Throws<ArgumentException>(() => new AlarmEventEntry(0, 7, 1, 3, 1, 0, null, "k", null, null, null, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 16, null, "k", null, null, null, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 0, 21, "k", null, null, null, null));
        Assert.Throws<ArgumentException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 0, null, "k", null, null, "bad id", null));
        Assert.Throws<ArgumentException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 0, null, "k", null, null, null, "a\nb"));
        Assert.Throws<ArgumentException>(() => new AlarmEventEntry(0, 1, 1, 3, 1, 0, null, "k", null, null, null, new string('x', 129)));
        Assert.Equal(Encoding.UTF8.GetBytes("nurse.jones"), Example().Encode()[^11..]);
    }
}
