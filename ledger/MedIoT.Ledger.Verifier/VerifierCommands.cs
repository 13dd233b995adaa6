using System.CommandLine;
using System.Text;
using MedIoT.Ledger.Bundles;

namespace MedIoT.Ledger.Verifier;

/// <summary>
/// The <c>mediot-verify</c> command line. Exit codes: 0 verified, 1 the bundle does not verify (one line on standard
/// error says why), 2 the command cannot run (bad arguments, unreadable or malformed key files).
/// </summary>
internal static class VerifierCommands
{
    public const int Verified = 0;
    public const int NotVerified = 1;
    public const int UsageError = 2;

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("MedIoT ledger verifier: checks offline proof bundles with public keys only (ledger/README.md).");
        root.Subcommands.Add(CreateBundle(output, error));
        return root;
    }

    private static Command CreateBundle(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The proof bundle (text, 'mediot-proof-bundle v1')." };
        var logKey = new Option<string>("--log-key")
        {
            Description = "The log's public key: a C2SP note verifier key '<origin>+<8 hex key id>+<base64(0x01||key)>', or a file holding one per line.",
            Required = true,
        };
        var deviceKeys = new Option<FileSystemInfo?>("--device-keys")
        {
            Description = "Device public keys: the gateway's devices.json registry, or a folder of '<device-id>.jwk' public JWK files. Enables the device signature check.",
        };
        var ledgerKeys = new Option<string[]>("--ledger-key")
        {
            Description = "The hospital ledger's public key (a note verifier key, or a file of them; repeatable). Enables the full-chain check: the bundle must carry an 'anchor mediot-ledger' receipt that proves its gateway checkpoint is in the ledger.",
            AllowMultipleArgumentsPerToken = false,
        };
        var witnessKeys = new Option<string[]>("--witness-key")
        {
            Description = "A trusted witness's cosignature key (C2SP tlog-cosignature vkey, type 0x04), or a file of them; repeatable. Needs --ledger-key.",
            AllowMultipleArgumentsPerToken = false,
        };
        var requiredCosignatures = new Option<int?>("--require-cosignatures")
        {
            Description = "How many distinct trusted witnesses must have cosigned the ledger checkpoint (default: every --witness-key given; 0 with none). Needs --ledger-key.",
        };
        var command = new Command("bundle",
            "Verify one proof bundle: checkpoint signature, entry encoding, inclusion proof, (with --device-keys) the device's signature and (with --ledger-key) the ledger anchor and its witness cosignatures.")
        {
            file, logKey, deviceKeys, ledgerKeys, witnessKeys, requiredCosignatures,
        };
        command.SetAction(parseResult =>
        {
            if (!KeyFiles.TryLoadLogKeys(parseResult.GetValue(logKey)!, out var logKeys, out var keyError))
            {
                error.WriteLine($"error: --log-key: {keyError}");
                return UsageError;
            }

            IReadOnlyDictionary<string, MedIoT.Cryptography.Ed25519PublicKey>? devices = null;
            var deviceSource = parseResult.GetValue(deviceKeys);
            if (deviceSource is not null)
            {
                if (!KeyFiles.TryLoadDeviceKeys(deviceSource.FullName, out devices, out keyError))
                {
                    error.WriteLine($"error: --device-keys: {keyError}");
                    return UsageError;
                }
            }

            if (!TryReadAnchorPolicy(parseResult.GetValue(ledgerKeys) ?? [], parseResult.GetValue(witnessKeys) ?? [], parseResult.GetValue(requiredCosignatures),
                    out var anchorPolicy, out var policyError))
            {
                error.WriteLine($"error: {policyError}");
                return UsageError;
            }

            var path = parseResult.GetValue(file)!.FullName;
            string text;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    error.WriteLine($"error: the bundle file '{path}' does not exist");
                    return UsageError;
                }

                if (info.Length > ProofBundle.MaxBundleBytes)
                {
                    error.WriteLine($"FAIL: MalformedBundle: the bundle is larger than {ProofBundle.MaxBundleBytes} bytes");
                    return NotVerified;
                }

                var bytes = File.ReadAllBytes(path);
                if (!System.Text.Unicode.Utf8.IsValid(bytes))
                {
                    error.WriteLine("FAIL: MalformedBundle: the bundle is not UTF-8 text");
                    return NotVerified;
                }

                text = Encoding.UTF8.GetString(bytes);
            }
            catch (IOException exception)
            {
                error.WriteLine($"error: cannot read '{path}': {exception.Message}");
                return UsageError;
            }
            catch (UnauthorizedAccessException exception)
            {
                error.WriteLine($"error: cannot read '{path}': {exception.Message}");
                return UsageError;
            }

            if (!ProofBundle.TryParse(text, out var bundle, out var parseError))
            {
                error.WriteLine($"FAIL: MalformedBundle: {parseError}");
                return NotVerified;
            }

            var result = ProofBundleVerifier.Verify(bundle, logKeys);
            if (devices is not null)
            {
                result = DeviceSignatureCheck.Check(result, devices);
            }
            else if (result is { Succeeded: true, Entry: not null })
            {
                result = result with { Message = result.Message + "; device signature not checked (no device keys given)" };
            }

            if (result.Succeeded && anchorPolicy is not null)
            {
                result = ProofBundleVerifier.VerifyAnchor(bundle, result, anchorPolicy);
            }

            if (!result.Succeeded)
            {
                error.WriteLine($"FAIL: {result.Failure}: {result.Message}");
                return NotVerified;
            }

            output.WriteLine($"OK: {result.Message}");
            if (anchorPolicy is null && bundle.Anchors.Count > 0)
            {
                output.WriteLine($"note: {bundle.Anchors.Count} anchor receipt(s) present but not checked (give --ledger-key to check the ledger anchor)");
            }

            return Verified;
        });
        return command;
    }

    private static bool TryReadAnchorPolicy(string[] ledgerValues, string[] witnessValues, int? required, out AnchorPolicy? policy,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        policy = null;
        if (ledgerValues.Length == 0)
        {
            error = witnessValues.Length > 0 || required is not null ? "--witness-key and --require-cosignatures need --ledger-key" : null;
            return error is null;
        }

        if (!KeyFiles.TryLoadLogKeys(ledgerValues, out var ledger, out var keyError))
        {
            error = $"--ledger-key: {keyError}";
            return false;
        }

        if (!KeyFiles.TryLoadWitnessKeys(witnessValues, out var witnesses, out keyError))
        {
            error = $"--witness-key: {keyError}";
            return false;
        }

        var count = required ?? witnesses.Count;
        if (count < 0 || count > witnesses.Count)
        {
            error = $"--require-cosignatures must be between 0 and the number of witness keys given ({witnesses.Count})";
            return false;
        }

        policy = new AnchorPolicy(ledger, witnesses, count);
        error = null;
        return true;
    }
}
