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

    /// <summary>Whether <paramref name="origin"/> can be a checkpoint's origin line (non-empty, no control characters).</summary>
    public static bool IsValidOrigin(string? origin) =>
        !string.IsNullOrEmpty(origin) && Checkpoint.TryParseBody($"{origin}\n0\n{Convert.ToBase64String(new byte[32])}\n", out _);

    /// <summary>The trusted logs of settings that <see cref="WitnessOptionsValidator"/> accepted, by origin.</summary>
    /// <exception cref="InvalidOperationException">The settings were not validated.</exception>
    public static IReadOnlyDictionary<string, TrustedLog> CreateAll(IEnumerable<TrustedLogOptions> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var result = new Dictionary<string, TrustedLog>(StringComparer.Ordinal);
        foreach (var log in settings)
        {
            var keys = new List<NoteVerifierKey>();
            foreach (var text in log.Keys)
            {
                keys.Add(NoteVerifierKey.TryParse(text, out var key, out _)
                    ? key
                    : throw new InvalidOperationException("The trusted logs were not validated (WitnessOptionsValidator)."));
            }

            result.Add(log.Origin, new TrustedLog(log.Origin, keys));
        }

        return result;
    }
}
