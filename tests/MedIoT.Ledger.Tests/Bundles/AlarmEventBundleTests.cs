using MedIoT.Cryptography;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Storage;
using MedIoT.Ledger.Tests.Entries;
using MedIoT.Ledger.Verifier;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Bundles;

/// <summary>mediot-verify on a bundle for an alarm event entry (format version 2) in a log that also holds frames.</summary>
public sealed class AlarmEventBundleTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = VerifierCommands.Create(output, error).Parse(args).Invoke();
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void An_alarm_event_entry_verifies_and_a_changed_one_fails()
    {
        using var folder = TemporaryDirectory.Create("alarm-bundle");
        using var logKey = Ed25519PrivateKey.Generate();
        using var log = MerkleLog.Open(folder.Combine("log"));
        var frame = new LedgerEntry("serial-monitor-3", 7, "02/22/16 22:47:45 SN=0000056661 SPO2=098%"u8, EntryAttestation.GatewayAttested, 1_795_266_000_500_000_000);
        log.AppendBatch([frame.Encode(), AlarmEventEntryTests.Example().Encode(), frame.Encode()]);
        var signer = CheckpointSigner.Open("mediot.example/ward7/gw1", logKey, folder.Combine("checkpoint.note"));
        Assert.True(signer.TrySignLatest(log, out var note, out _));
        var bundle = ProofBundle.FromLog(log, 1, note).Format();

        var path = folder.Combine("alarm.bundle");
        File.WriteAllText(path, bundle);
        var result = Run("bundle", path, "--log-key", signer.VerifierKey.ToString());
        Assert.Equal(VerifierCommands.Verified, result.ExitCode);
        Assert.StartsWith("OK: entry 1 (alarm 7 event kind 4, condition news2 at ward7a/bed01, gateway event)", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Error);

        // The acknowledging staff member changed: still a well-formed alarm entry, but not the one the log holds.
        var forged = AlarmEventEntryTests.Example().Encode();
        forged[^1] ^= 1;
        Assert.True(ProofBundle.TryParse(bundle, out var parsed, out _));
        File.WriteAllText(path, new ProofBundle(parsed.Index, forged, parsed.InclusionProof, parsed.SignedCheckpoint, parsed.Anchors).Format());
        var changed = Run("bundle", path, "--log-key", signer.VerifierKey.ToString());
        Assert.Equal(VerifierCommands.NotVerified, changed.ExitCode);
        Assert.StartsWith("FAIL: RootMismatch: ", changed.Error, StringComparison.Ordinal);

        var malformed = AlarmEventEntryTests.Example().Encode()[..^1];
        File.WriteAllText(path, new ProofBundle(parsed.Index, malformed, parsed.InclusionProof, parsed.SignedCheckpoint, parsed.Anchors).Format());
        var refused = Run("bundle", path, "--log-key", signer.VerifierKey.ToString());
        Assert.Equal(VerifierCommands.NotVerified, refused.ExitCode);
        Assert.StartsWith("FAIL: MalformedEntry: the entry is not a valid alarm event entry (Truncated)", refused.Error, StringComparison.Ordinal);
    }
}
