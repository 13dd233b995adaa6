using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Verifier;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Bundles;

/// <summary>
/// Issue 8: <c>mediot-verify</c> checks the whole chain offline (entry, gateway checkpoint, ledger inclusion, ledger
/// checkpoint, witness cosignatures) once ledger keys are given; each broken link exits 1 with its own reason.
/// </summary>
public sealed class AnchoredBundleTests(AnchoredBundleFixture fixture) : IClassFixture<AnchoredBundleFixture>
{
    private string Good => AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, fixture.Receipt.Format());

    private (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = VerifierCommands.Create(output, error).Parse(args).Invoke();
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs with the gateway key, the ledger key and both witnesses (all must cosign unless told otherwise).</summary>
    private (int ExitCode, string Output, string Error) RunChain(string bundleText, params string[] extra)
    {
        var path = fixture.Write($"bundle-{Guid.NewGuid():n}.txt", bundleText);
        return Run(["bundle", path, "--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.LedgerVerifierKey,
            "--witness-key", fixture.Witness1Key, "--witness-key", fixture.Witness2Key, .. extra]);
    }

    private static void AssertFails(BundleFailure expected, (int ExitCode, string Output, string Error) result)
    {
        Assert.True(result.ExitCode == VerifierCommands.NotVerified, $"exit {result.ExitCode}: {result.Output}{result.Error}");
        Assert.StartsWith($"FAIL: {expected}: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Empty(result.Output);
    }

    private static LedgerReceipt Changed(LedgerReceipt receipt, long? index = null, Func<byte[][], byte[][]>? proof = null, string? ledgerCheckpoint = null) =>
        new(index ?? receipt.Index, proof?.Invoke([.. receipt.InclusionProof.Select(h => (byte[])h.Clone())]) ?? receipt.InclusionProof,
            ledgerCheckpoint ?? receipt.LedgerCheckpoint);

    [Fact]
    public void The_full_chain_verifies_with_ledger_and_witness_keys()
    {
        var result = RunChain(Good);
        Assert.True(result.ExitCode == VerifierCommands.Verified, result.Error);
        Assert.StartsWith($"OK: entry {AnchoredBundleFixture.EntryIndex} ", result.Output, StringComparison.Ordinal);
        Assert.Contains($"leaf {fixture.AnchoredLeafIndex} of ledger '{AnchoredBundleFixture.LedgerOrigin}' of size 3, cosigned by 2 trusted witness(es) (2 required)",
            result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Error);

        // Key files, and an explicit policy lower than the number of witnesses.
        var path = fixture.Write("files.bundle", Good);
        var files = Run("bundle", path, "--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.LedgerKeyFile,
            "--witness-key", fixture.WitnessKeyFile, "--require-cosignatures", "1");
        Assert.True(files.ExitCode == VerifierCommands.Verified, files.Error);
        Assert.Contains("cosigned by 2 trusted witness(es) (1 required)", files.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_ledger_keys_the_anchor_is_carried_but_not_checked()
    {
        var path = fixture.Write("unchecked.bundle", AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, "not a receipt"));
        var result = Run("bundle", path, "--log-key", fixture.GatewayVerifierKey);
        Assert.Equal(VerifierCommands.Verified, result.ExitCode);
        Assert.Contains("1 anchor receipt(s) present but not checked", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_without_an_anchor_fails_once_ledger_keys_are_given()
    {
        AssertFails(BundleFailure.MissingAnchor, RunChain(fixture.UnanchoredBundle.Format()));
    }

    [Fact]
    public void A_malformed_anchor_fails()
    {
        AssertFails(BundleFailure.MalformedAnchor, RunChain(AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, "mediot-ledger-receipt v1\nindex x\n\n")));
    }

    [Fact]
    public void A_changed_receipt_index_fails()
    {
        AssertFails(BundleFailure.AnchorNotIncluded, RunChain(AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle,
            Changed(fixture.Receipt, index: fixture.AnchoredLeafIndex - 1).Format())));
    }

    [Fact]
    public void A_changed_receipt_proof_hash_fails()
    {
        AssertFails(BundleFailure.AnchorNotIncluded, RunChain(AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle,
            Changed(fixture.Receipt, proof: p =>
            {
                p[0][7] ^= 0x01;
                return p;
            }).Format())));
    }

    [Fact]
    public void A_changed_ledger_checkpoint_fails_the_ledger_signature()
    {
        var tampered = fixture.Receipt.LedgerCheckpoint.Replace(AnchoredBundleFixture.LedgerOrigin + "\n3\n", AnchoredBundleFixture.LedgerOrigin + "\n4\n", StringComparison.Ordinal);
        Assert.NotEqual(fixture.Receipt.LedgerCheckpoint, tampered);
        AssertFails(BundleFailure.InvalidLedgerSignature, RunChain(AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle,
            Changed(fixture.Receipt, ledgerCheckpoint: tampered).Format())));
    }

    [Fact]
    public void A_ledger_checkpoint_of_another_origin_than_the_ledger_key_names_fails()
    {
        var result = RunChain(AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, fixture.ForeignOriginReceipt.Format()));
        AssertFails(BundleFailure.WrongLedgerOrigin, result);
        Assert.Contains($"'{AnchoredBundleFixture.ForeignLedgerOrigin}'", result.Error, StringComparison.Ordinal);

        // The receipt check itself, with no origin given: the ledger key's name pins it; the genuine receipt passes the same check.
        Assert.True(NoteVerifierKey.TryParse(fixture.LedgerVerifierKey, out var ledgerKey, out _));
        Assert.Equal(ReceiptFailure.WrongLedgerOrigin,
            fixture.ForeignOriginReceipt.Verify(fixture.AnchoredGatewayCheckpoint, [ledgerKey], null, [], 0));
        Assert.Equal(ReceiptFailure.None, fixture.Receipt.Verify(fixture.AnchoredGatewayCheckpoint, [ledgerKey], null, [], 0));
    }

    [Fact]
    public void An_unknown_ledger_key_fails()
    {
        var path = fixture.Write("other-ledger.bundle", Good);
        AssertFails(BundleFailure.UnknownLedgerKey, Run("bundle", path, "--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.OtherLedgerVerifierKey,
            "--witness-key", fixture.WitnessKeyFile));
    }

    [Fact]
    public void Too_few_cosignatures_fail()
    {
        var oneCosignature = AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, fixture.OneCosignatureReceipt.Format());
        AssertFails(BundleFailure.TooFewCosignatures, RunChain(oneCosignature));
        AssertFails(BundleFailure.TooFewCosignatures, RunChain(oneCosignature, "--require-cosignatures", "2"));
        Assert.Equal(VerifierCommands.Verified, RunChain(oneCosignature, "--require-cosignatures", "1").ExitCode);

        // A cosignature by a witness that is not trusted does not count: only witness 1 cosigned, only witness 2 is trusted.
        var path = fixture.Write("untrusted-witness.bundle", oneCosignature);
        AssertFails(BundleFailure.TooFewCosignatures, Run("bundle", path, "--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.LedgerVerifierKey,
            "--witness-key", fixture.Witness2Key));
    }

    [Fact]
    public void A_cosignature_of_another_ledger_checkpoint_fails()
    {
        AssertFails(BundleFailure.InvalidCosignature, RunChain(AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, fixture.MovedCosignatureReceipt.Format())));
    }

    [Fact]
    public void A_bundle_whose_gateway_checkpoint_is_not_the_anchored_one_fails()
    {
        // The size-4 checkpoint proves the entry and is signed by the gateway, but the receipt is for the size-6 one.
        var bundle = fixture.EarlierCheckpointBundle;
        Assert.Equal(VerifierCommands.Verified, Run("bundle", fixture.Write("earlier.bundle", bundle.Format()), "--log-key", fixture.GatewayVerifierKey).ExitCode);
        AssertFails(BundleFailure.AnchorNotIncluded, RunChain(AnchoredBundleFixture.WithAnchor(bundle, fixture.Receipt.Format())));

        // The anchored checkpoint with a signature line added after anchoring is no longer the ledger's leaf either.
        var resigned = new ProofBundle(fixture.UnanchoredBundle.Index, fixture.UnanchoredBundle.Entry, fixture.UnanchoredBundle.InclusionProof,
            fixture.AnchoredGatewayCheckpoint + fixture.AnchoredGatewayCheckpoint.Split('\n')[^2] + "\n");
        AssertFails(BundleFailure.AnchorNotIncluded, RunChain(AnchoredBundleFixture.WithAnchor(resigned, fixture.Receipt.Format())));
    }

    [Fact]
    public void Bad_policy_arguments_exit_with_two()
    {
        var path = fixture.Write("policy.bundle", Good);
        Assert.Equal(VerifierCommands.UsageError, Run("bundle", path, "--log-key", fixture.GatewayVerifierKey, "--witness-key", fixture.Witness1Key).ExitCode);
        Assert.Equal(VerifierCommands.UsageError, Run("bundle", path, "--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.LedgerVerifierKey,
            "--witness-key", fixture.Witness1Key, "--require-cosignatures", "2").ExitCode);
        var wrongType = Run("bundle", path, "--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.LedgerVerifierKey, "--witness-key", fixture.LedgerVerifierKey);
        Assert.Equal(VerifierCommands.UsageError, wrongType.ExitCode);
        Assert.StartsWith("error: --witness-key: ", wrongType.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_mediot_verify_process_checks_the_full_chain()
    {
        var good = fixture.Write("process-chain.bundle", Good);
        var bad = fixture.Write("process-chain-bad.bundle", AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, fixture.OneCosignatureReceipt.Format()));
        string[] keys = ["--log-key", fixture.GatewayVerifierKey, "--ledger-key", fixture.LedgerKeyFile, "--witness-key", fixture.WitnessKeyFile];
        var (goodExit, goodOutput, goodError) = await RunProcessAsync(["bundle", good, .. keys]);
        Assert.True(goodExit == 0, goodError);
        Assert.Contains("cosigned by 2 trusted witness(es)", goodOutput, StringComparison.Ordinal);
        var (badExit, _, badError) = await RunProcessAsync(["bundle", bad, .. keys]);
        Assert.Equal(1, badExit);
        Assert.StartsWith("FAIL: TooFewCosignatures: ", badError, StringComparison.Ordinal);
        var foreign = fixture.Write("process-chain-foreign.bundle", AnchoredBundleFixture.WithAnchor(fixture.UnanchoredBundle, fixture.ForeignOriginReceipt.Format()));
        var (foreignExit, foreignOutput, foreignError) = await RunProcessAsync(["bundle", foreign, .. keys]);
        Assert.Equal(1, foreignExit);
        Assert.Empty(foreignOutput);
        Assert.StartsWith("FAIL: WrongLedgerOrigin: ", foreignError, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output, string Error)> RunProcessAsync(string[] args) =>
        CommandLine.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "mediot-verify.dll"), .. args]);
}
