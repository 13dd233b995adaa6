using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Verifier;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Bundles;

/// <summary>The mediot-verify command, in-process through its command entry point and once as a real process.</summary>
public sealed class VerifierCommandTests(BundleFixture fixture) : IClassFixture<BundleFixture>
{
    private (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = VerifierCommands.Create(output, error).Parse(args).Invoke();
        return (exitCode, output.ToString(), error.ToString());
    }

    private (int ExitCode, string Output, string Error) RunBundle(string bundleText, params string[] extra)
    {
        var path = fixture.Write($"bundle-{Guid.NewGuid():n}.txt", bundleText);
        return Run(["bundle", path, "--log-key", fixture.LogVerifierKey, .. extra]);
    }

    private static string ReplaceLine(string bundle, string prefix, Func<string, string> change)
    {
        var lines = bundle.Split('\n');
        var index = Array.FindIndex(lines, l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(index >= 0, prefix);
        lines[index] = change(lines[index]);
        return string.Join('\n', lines);
    }

    private static void AssertFails(BundleFailure expected, (int ExitCode, string Output, string Error) result)
    {
        Assert.Equal(VerifierCommands.NotVerified, result.ExitCode);
        Assert.StartsWith($"FAIL: {expected}: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Every_entry_of_the_log_verifies_with_the_log_key_alone()
    {
        for (var i = 0; i < fixture.Bundles.Count; i++)
        {
            var result = RunBundle(fixture.Bundles[i]);
            Assert.Equal(VerifierCommands.Verified, result.ExitCode);
            Assert.StartsWith($"OK: entry {i} ", result.Output, StringComparison.Ordinal);
            Assert.Contains("not checked", result.Output, StringComparison.Ordinal);
            Assert.Empty(result.Error);
        }
    }

    [Fact]
    public void A_device_signed_entry_verifies_with_the_registry_or_a_key_folder_and_a_key_file()
    {
        var path = fixture.Write("good.bundle", fixture.Bundles[5]);
        foreach (var deviceKeys in new[] { fixture.DeviceRegistryFile, fixture.DeviceKeyFolder })
        {
            var result = Run("bundle", path, "--log-key", fixture.LogKeyFile, "--device-keys", deviceKeys);
            Assert.Equal(VerifierCommands.Verified, result.ExitCode);
            Assert.Contains("the device's signature verifies", result.Output, StringComparison.Ordinal);
        }

        var attested = Run("bundle", fixture.Write("attested.bundle", fixture.Bundles[1]), "--log-key", fixture.LogVerifierKey, "--device-keys", fixture.DeviceRegistryFile);
        Assert.Equal(VerifierCommands.Verified, attested.ExitCode);
        Assert.Contains("gateway-attested", attested.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bundle_round_trips_through_its_text_format()
    {
        Assert.True(ProofBundle.TryParse(fixture.Bundles[6], out var bundle, out var error), error);
        Assert.Equal(6, bundle.Index);
        Assert.Equal(3, bundle.InclusionProof.Count);
        Assert.Equal(fixture.SignedCheckpoint, bundle.SignedCheckpoint);
        Assert.True(LedgerEntry.TryDecode(bundle.Entry.Span, out var entry, out _));
        Assert.Equal(6, entry.SequenceNumber);
        Assert.Equal(fixture.Bundles[6], bundle.Format());

        var withAnchor = new ProofBundle(bundle.Index, bundle.Entry, bundle.InclusionProof, bundle.SignedCheckpoint,
            [new AnchorReceipt("rfc3161", new byte[] { 1, 2, 3 })]).Format();
        Assert.True(ProofBundle.TryParse(withAnchor, out var anchored, out _));
        Assert.Equal("rfc3161", Assert.Single(anchored.Anchors).Kind);
        var result = RunBundle(withAnchor);
        Assert.Equal(VerifierCommands.Verified, result.ExitCode);
        Assert.Contains("1 anchor receipt(s) present but not checked", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_entry_encoding_fails()
    {
        AssertFails(BundleFailure.MalformedEntry, RunBundle(ReplaceLine(fixture.Bundles[3], "entry ", line =>
        {
            var bytes = Convert.FromBase64String(line[6..]);
            bytes[0] = 2;
            return "entry " + Convert.ToBase64String(bytes);
        })));
    }

    [Fact]
    public void A_changed_entry_fails_on_the_root()
    {
        AssertFails(BundleFailure.RootMismatch, RunBundle(ReplaceLine(fixture.Bundles[3], "entry ", line =>
        {
            var bytes = Convert.FromBase64String(line[6..]);
            bytes[17] ^= 1; // the low byte of the sequence number: still a well-formed entry
            return "entry " + Convert.ToBase64String(bytes);
        })));
    }

    [Fact]
    public void A_wrong_index_fails()
    {
        AssertFails(BundleFailure.RootMismatch, RunBundle(ReplaceLine(fixture.Bundles[3], "index ", _ => "index 4")));
        AssertFails(BundleFailure.IndexOutOfRange, RunBundle(ReplaceLine(fixture.Bundles[3], "index ", _ => "index 8")));
    }

    [Fact]
    public void A_proof_of_the_wrong_length_fails()
    {
        var lines = fixture.Bundles[3].Split('\n').ToList();
        lines.RemoveAt(lines.FindIndex(l => l.StartsWith("proof ", StringComparison.Ordinal)));
        AssertFails(BundleFailure.WrongProofLength, RunBundle(string.Join('\n', lines)));
        lines.Insert(3, "proof " + Convert.ToBase64String(new byte[32]));
        lines.Insert(3, "proof " + Convert.ToBase64String(new byte[32]));
        AssertFails(BundleFailure.WrongProofLength, RunBundle(string.Join('\n', lines)));
    }

    [Fact]
    public void A_changed_proof_hash_fails_on_the_root()
    {
        AssertFails(BundleFailure.RootMismatch, RunBundle(ReplaceLine(fixture.Bundles[3], "proof ", line =>
        {
            var bytes = Convert.FromBase64String(line[6..]);
            bytes[31] ^= 0x80;
            return "proof " + Convert.ToBase64String(bytes);
        })));
    }

    [Fact]
    public void An_unknown_log_key_fails()
    {
        var path = fixture.Write("unknown-key.bundle", fixture.Bundles[0]);
        AssertFails(BundleFailure.UnknownCheckpointKey, Run("bundle", path, "--log-key", fixture.OtherLogVerifierKey));
    }

    [Fact]
    public void A_checkpoint_of_another_origin_than_the_log_key_names_fails()
    {
        // Signature, entry and proof are all good; only the origin line is not the --log-key's name.
        var result = RunBundle(fixture.ForeignOriginBundle, "--device-keys", fixture.DeviceRegistryFile);
        AssertFails(BundleFailure.WrongCheckpointOrigin, result);
        Assert.Contains($"'{BundleFixture.ForeignOrigin}'", result.Error, StringComparison.Ordinal);
        Assert.Contains($"named '{BundleFixture.Origin}'", result.Error, StringComparison.Ordinal);
        AssertFails(BundleFailure.WrongCheckpointOrigin, Run("bundle", fixture.Write("foreign.bundle", fixture.ForeignOriginBundle), "--log-key", fixture.LogKeyFile));
        Assert.Equal(VerifierCommands.Verified, RunBundle(fixture.Bundles[5], "--device-keys", fixture.DeviceRegistryFile).ExitCode);
    }

    [Fact]
    public void A_changed_checkpoint_fails_its_signature()
    {
        var tampered = fixture.Bundles[0].Replace(BundleFixture.Origin + "\n8\n", BundleFixture.Origin + "\n9\n", StringComparison.Ordinal);
        Assert.NotEqual(fixture.Bundles[0], tampered);
        AssertFails(BundleFailure.InvalidCheckpointSignature, RunBundle(tampered));
    }

    [Fact]
    public void A_malformed_bundle_or_checkpoint_fails()
    {
        AssertFails(BundleFailure.MalformedBundle, RunBundle(fixture.Bundles[0].Replace("mediot-proof-bundle v1", "mediot-proof-bundle v2", StringComparison.Ordinal)));
        AssertFails(BundleFailure.MalformedBundle, RunBundle(fixture.Bundles[0].Replace("\nentry ", "\nentry  ", StringComparison.Ordinal)));
        AssertFails(BundleFailure.MalformedBundle, RunBundle(fixture.Bundles[0].Replace("\nproof ", "\nextra x\nproof ", StringComparison.Ordinal)));
        AssertFails(BundleFailure.MalformedBundle, RunBundle("just text"));
        var noSignatures = fixture.Bundles[0][..(fixture.Bundles[0].IndexOf('\u2014', StringComparison.Ordinal) - 1)];
        AssertFails(BundleFailure.MalformedCheckpoint, RunBundle(noSignatures));
        var path = fixture.Write("binary.bundle", "");
        File.WriteAllBytes(path, [0xff, 0xfe, 0x00]);
        AssertFails(BundleFailure.MalformedBundle, Run("bundle", path, "--log-key", fixture.LogVerifierKey));
    }

    [Fact]
    public void A_device_signature_that_does_not_verify_fails()
    {
        AssertFails(BundleFailure.InvalidDeviceSignature, RunBundle(fixture.Bundles[4], "--device-keys", fixture.WrongDeviceRegistryFile));
    }

    [Fact]
    public void An_unknown_device_fails()
    {
        AssertFails(BundleFailure.UnknownDevice, RunBundle(fixture.Bundles[4], "--device-keys", fixture.OtherDeviceRegistryFile));
    }

    [Fact]
    public void A_signed_frame_for_another_sequence_fails()
    {
        AssertFails(BundleFailure.FrameMismatch, RunBundle(fixture.Bundles[2], "--device-keys", fixture.DeviceRegistryFile));
    }

    [Fact]
    public void Bad_arguments_and_key_files_exit_with_two()
    {
        var path = fixture.Write("args.bundle", fixture.Bundles[0]);
        var badKey = Run("bundle", path, "--log-key", "not-a-key");
        Assert.Equal(VerifierCommands.UsageError, badKey.ExitCode);
        Assert.StartsWith("error: --log-key: ", badKey.Error, StringComparison.Ordinal);
        Assert.Equal(VerifierCommands.UsageError, Run("bundle", path, "--log-key", fixture.LogVerifierKey, "--device-keys", path + ".missing").ExitCode);
        Assert.Equal(VerifierCommands.UsageError, Run("bundle", path + ".missing", "--log-key", fixture.LogVerifierKey).ExitCode);
        Assert.NotEqual(VerifierCommands.Verified, Run("bundle", path).ExitCode);
    }

    [Fact]
    public void Fuzzed_bundles_never_throw_and_never_verify()
    {
        Assert.True(NoteVerifierKey.TryParse(fixture.LogVerifierKey, out var logKey, out _));
        var random = new Random(51);
        var original = fixture.Bundles[5];
        const string alphabet = "ABCabc019+/=\n \u2014-.x";
        for (var trial = 0; trial < 3000; trial++)
        {
            var characters = original.ToCharArray();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                characters[random.Next(characters.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(characters);
            if (text == original)
            {
                continue;
            }

            if (ProofBundle.TryParse(text, out var bundle, out _))
            {
                // Every part of a bundle is canonical (base64, decimal, note syntax), so no other text proves anything.
                Assert.False(ProofBundleVerifier.Verify(bundle, [logKey], null).Succeeded, "a changed bundle verified");
            }

            SignedNote.TryParse(text, out _);
            Checkpoint.TryOpen(text, [logKey], null, out _, out _);
        }
    }

    [Fact]
    public async Task The_real_mediot_verify_process_exits_zero_for_a_good_bundle_and_one_for_a_tampered_bundle()
    {
        var good = fixture.Write("process-good.bundle", fixture.Bundles[7]);
        var bad = fixture.Write("process-bad.bundle", ReplaceLine(fixture.Bundles[7], "index ", _ => "index 6"));
        var (goodExit, goodOutput, _) = await RunProcessAsync("bundle", good, "--log-key", fixture.LogKeyFile, "--device-keys", fixture.DeviceRegistryFile);
        Assert.Equal(0, goodExit);
        Assert.StartsWith("OK: entry 7 ", goodOutput, StringComparison.Ordinal);
        var (badExit, _, badError) = await RunProcessAsync("bundle", bad, "--log-key", fixture.LogVerifierKey);
        Assert.Equal(1, badExit);
        Assert.StartsWith("FAIL: RootMismatch: ", badError, StringComparison.Ordinal);
        var (foreignExit, foreignOutput, foreignError) = await RunProcessAsync("bundle", fixture.Write("process-foreign.bundle", fixture.ForeignOriginBundle),
            "--log-key", fixture.LogVerifierKey);
        Assert.Equal(1, foreignExit);
        Assert.Empty(foreignOutput);
        Assert.StartsWith("FAIL: WrongCheckpointOrigin: ", foreignError, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output, string Error)> RunProcessAsync(params string[] args) =>
        CommandLine.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "mediot-verify.dll"), .. args]);
}
