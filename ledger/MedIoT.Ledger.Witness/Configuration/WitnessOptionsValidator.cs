using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Cosigning;

namespace MedIoT.Ledger.Witness.Configuration;

/// <summary>
/// Checks <see cref="WitnessOptions"/> before the witness reads its key or state: the data annotations, then the name
/// as a key name, the address, and every trusted log (origin, its keys, each named after the origin).
/// </summary>
internal sealed class WitnessOptionsValidator() : SettingsValidator<WitnessOptions>(WitnessOptions.SectionName)
{
    protected override void Check(WitnessOptions options, SettingProblems problems)
    {
        if (!string.IsNullOrEmpty(options.Name) && !NoteVerifierKey.IsValidKeyName(options.Name))
        {
            problems.Add(nameof(options.Name), options.Name,
                "is not a key name (non-empty, no spaces, '+' or control characters), e.g. witness.mediot.example/w1.");
        }

        if (options.Url is not null && options.Url is not { IsAbsoluteUri: true, Scheme: "http" })
        {
            problems.Add(nameof(options.Url), options.Url, "must be http://address:port; put TLS in a reverse proxy in front.");
        }

        var origins = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Logs.Count; i++)
        {
            var log = options.Logs[i];
            if (!TrustedLog.IsValidOrigin(log.Origin))
            {
                problems.Add($"Logs:{i}:Origin", log.Origin, "is not a checkpoint origin line (non-empty, no control characters).");
            }
            else if (!origins.Add(log.Origin))
            {
                problems.Add($"Logs:{i}:Origin", log.Origin, "appears twice; list each log once with all its keys.");
            }

            if (log.Keys.Count == 0)
            {
                problems.Add($"Logs:{i}:Keys", null, $"is empty; give the public key that signs the checkpoints of '{log.Origin}'.");
            }

            for (var k = 0; k < log.Keys.Count; k++)
            {
                if (!NoteVerifierKey.TryParse(log.Keys[k], out var key, out var keyError))
                {
                    problems.Add($"Logs:{i}:Keys:{k}", log.Keys[k], $"is not a C2SP Ed25519 verifier key: {keyError}.");
                }
                else if (!string.Equals(key.Name, log.Origin, StringComparison.Ordinal))
                {
                    // C2SP tlog-checkpoint, "Signatures": the log's key name matches its origin line. A key pins its log.
                    problems.Add($"Logs:{i}:Keys:{k}", log.Keys[k],
                        $"is named '{key.Name}', not the log's origin '{log.Origin}'; a log's key is named after its origin and vouches for no other.");
                }
            }
        }
    }
}
