using System.Text;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Tests.Entries;

public sealed class LedgerEntryTests
{
    // The worked example of docs/ledger-entry-format.md (the test is what produced it, and keeps it true).
    internal const string WorkedExampleHex =
        "01" + "01" + "18ea10ea56b1ed15" + "000000000000002a" + "11" + "7761726437612d62656430312d73706f32" +
        "00000018" + "614756685a4756792e63474635624739685a412e63326c6e";

    internal const string WorkedExampleLeafHashHex = "111cd5cc47b81443f14cb7e8ff065a673ea6a93bf1f19336ea0061143d903f1c";

    internal static LedgerEntry Example() => new("ward7a-bed01-spo2", 42, "aGVhZGVy.cGF5bG9hZA.c2ln"u8, EntryAttestation.DeviceSigned, 1_795_266_000_123_456_789);

    [Fact]
    public void The_worked_example_encodes_to_the_documented_bytes_and_leaf_hash()
    {
        var bytes = Example().Encode();
        Assert.Equal(WorkedExampleHex, Convert.ToHexStringLower(bytes));
        Assert.Equal(64, bytes.Length);
        Assert.Equal(WorkedExampleLeafHashHex, Convert.ToHexStringLower(MerkleHash.HashLeaf(bytes)));
    }

    [Fact]
    public void Encoding_round_trips_every_field()
    {
        var random = new Random(21);
        for (var trial = 0; trial < 500; trial++)
        {
            var deviceId = new string([.. Enumerable.Range(0, random.Next(1, 65)).Select(_ => "abcXYZ019._-"[random.Next(12)])]);
            var frame = new byte[random.Next(1, 3000)];
            random.NextBytes(frame);
            var entry = new LedgerEntry(deviceId, random.NextInt64(0, 1L << 53), frame,
                random.Next(2) == 0 ? EntryAttestation.DeviceSigned : EntryAttestation.GatewayAttested, random.NextInt64(0, long.MaxValue));
            var encoded = entry.Encode();
            Assert.Equal(entry.EncodedLength, encoded.Length);
            Assert.True(LedgerEntry.TryDecode(encoded, out var decoded, out var failure), failure.ToString());
            Assert.Equal(entry.DeviceId, decoded.DeviceId);
            Assert.Equal(entry.SequenceNumber, decoded.SequenceNumber);
            Assert.Equal(entry.Attestation, decoded.Attestation);
            Assert.Equal(entry.ReceivedUnixNanoseconds, decoded.ReceivedUnixNanoseconds);
            Assert.Equal(frame, decoded.Frame.ToArray());
            Assert.Equal(encoded, decoded.Encode());
        }
    }

    public static TheoryData<string, LedgerEntryFailure> Rejections => new()
    {
        { "", LedgerEntryFailure.Truncated },
        { "02" + WorkedExampleHex[2..], LedgerEntryFailure.UnsupportedVersion },
        { "0103" + WorkedExampleHex[4..], LedgerEntryFailure.UnknownAttestation },
        { "0100" + WorkedExampleHex[4..], LedgerEntryFailure.UnknownAttestation },
        { "0101" + "8000000000000000" + WorkedExampleHex[20..], LedgerEntryFailure.InvalidReceiveTime },
        { WorkedExampleHex[..20] + "0020000000000000" + WorkedExampleHex[36..], LedgerEntryFailure.SequenceOutOfRange },
        { WorkedExampleHex[..20] + "ffffffffffffffff" + WorkedExampleHex[36..], LedgerEntryFailure.SequenceOutOfRange },
        { WorkedExampleHex[..36] + "00" + "00000001" + "41", LedgerEntryFailure.InvalidDeviceId },
        { WorkedExampleHex[..36] + "01" + "2f" + "00000001" + "41", LedgerEntryFailure.InvalidDeviceId },
        { WorkedExampleHex[..36] + "41" + new string('6', 130) + "00000001" + "41", LedgerEntryFailure.InvalidDeviceId },
        { WorkedExampleHex[..36] + "01" + "61" + "00000000", LedgerEntryFailure.FrameLengthOutOfRange },
        { WorkedExampleHex[..36] + "01" + "61" + "00010001", LedgerEntryFailure.FrameLengthOutOfRange },
        { WorkedExampleHex[..36] + "01" + "61" + "ffffffff", LedgerEntryFailure.FrameLengthOutOfRange },
        { WorkedExampleHex[..^2], LedgerEntryFailure.Truncated },
        { WorkedExampleHex[..40], LedgerEntryFailure.Truncated },
        { WorkedExampleHex[..30], LedgerEntryFailure.Truncated },
        { WorkedExampleHex + "00", LedgerEntryFailure.TrailingBytes },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Malformed_encodings_are_rejected_with_their_reason(string hex, LedgerEntryFailure expected)
    {
        Assert.False(LedgerEntry.TryDecode(Convert.FromHexString(hex), out var entry, out var failure));
        Assert.Null(entry);
        Assert.Equal(expected, failure);
    }

    [Fact]
    public void Fuzzed_bytes_never_throw_and_anything_accepted_is_canonical()
    {
        var valid = Example().Encode();
        var accepted = 0;
        foreach (var candidate in FuzzedEntries.From(valid, 22, LedgerEntry.FormatVersion))
        {
            if (LedgerEntry.TryDecode(candidate, out var entry, out var failure))
            {
                accepted++;
                Assert.Equal(LedgerEntryFailure.None, failure);
                Assert.Equal(candidate, entry.Encode());
            }
            else
            {
                Assert.NotEqual(LedgerEntryFailure.None, failure);
            }
        }

        Assert.InRange(accepted, 1, FuzzedEntries.Count);
    }

    [Fact]
    public void Invalid_fields_are_programming_errors_when_creating_an_entry()
    {
        Assert.Throws<ArgumentException>(() => new LedgerEntry("bad id", 0, "x"u8, EntryAttestation.DeviceSigned, 0));
        Assert.Throws<ArgumentException>(() => new LedgerEntry("dev", 0, [], EntryAttestation.DeviceSigned, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LedgerEntry("dev", -1, "x"u8, EntryAttestation.DeviceSigned, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LedgerEntry("dev", 0, "x"u8, EntryAttestation.DeviceSigned, -1));
        Assert.Throws<ArgumentException>(() => new LedgerEntry("dev", 0, "x"u8, (EntryAttestation)9, 0));
        Assert.Equal("dev", new LedgerEntry("dev", 0, Encoding.ASCII.GetBytes("x"), EntryAttestation.GatewayAttested, 0).DeviceId);
    }
}
