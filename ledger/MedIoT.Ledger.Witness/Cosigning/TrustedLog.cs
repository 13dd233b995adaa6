using System.Diagnostics.CodeAnalysis;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;

namespace MedIoT.Ledger.Witness.Cosigning;

/// <summary>
/// A log the witness cosigns for: its origin, the keys trusted to sign its checkpoints (C2SP tlog-witness: "a list of
/// supported log public keys"), and the gate that makes the check of the old size and the update of the cosigned state
/// one atomic step for this origin.
/// </summary>
internal sealed class TrustedLog
{
    private TrustedLog(string origin, IReadOnlyList<NoteVerifierKey> keys)
    {
        Origin = origin;
        Keys = keys;
    }

    /// <summary>The log's origin.</summary>
    public string Origin { get; }

    /// <summary>The keys whose signature makes a checkpoint of this origin acceptable.</summary>
    public IReadOnlyList<NoteVerifierKey> Keys { get; }

    /// <summary>
    /// Held while a request for this origin compares its old size with the cosigned state and persists the new state
    /// (tlog-witness, the race note of "add-checkpoint": without it two requests could roll the state back).
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Builds the trusted logs from the settings. <paramref name="error"/> names the setting at fault.</summary>
    public static bool TryCreateAll(IList<TrustedLogOptions> settings, [NotNullWhen(true)] out IReadOnlyDictionary<string, TrustedLog>? logs,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        logs = null;
        var result = new Dictionary<string, TrustedLog>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Count; i++)
        {
            var origin = settings[i].Origin;
            if (string.IsNullOrEmpty(origin) || !Checkpoint.TryParseBody($"{origin}\n0\n{Convert.ToBase64String(new byte[32])}\n", out _))
            {
                error = $"Witness:Logs:{i}:Origin '{origin}' is not a checkpoint origin line (non-empty, no control characters).";
                return false;
            }

            if (result.ContainsKey(origin))
            {
                error = $"Witness:Logs:{i}:Origin '{origin}' appears twice; list each log once with all its keys.";
                return false;
            }

            var keys = new List<NoteVerifierKey>();
            for (var k = 0; k < settings[i].Keys.Count; k++)
            {
                if (!NoteVerifierKey.TryParse(settings[i].Keys[k], out var key, out var keyError))
                {
                    error = $"Witness:Logs:{i}:Keys:{k} is not a C2SP Ed25519 verifier key: {keyError}.";
                    return false;
                }

                keys.Add(key);
            }

            if (keys.Count == 0)
            {
                error = $"Witness:Logs:{i}:Keys is empty; give the public key that signs the checkpoints of '{origin}'.";
                return false;
            }

            result.Add(origin, new TrustedLog(origin, keys));
        }

        if (result.Count == 0)
        {
            error = "Witness:Logs is empty; list the logs this witness cosigns for.";
            return false;
        }

        logs = result;
        error = null;
        return true;
    }
}
