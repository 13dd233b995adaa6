using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Anchoring;

/// <summary>
/// The body of an add-checkpoint request (C2SP tlog-witness, "add-checkpoint"): an <c>old &lt;size&gt;</c> line, zero to
/// 63 base64 consistency-proof lines (RFC 9162 §2.1.4, from the old size to the checkpoint's size), an empty line, then
/// the signed checkpoint note. Witnesses receive it from the ledger, and the ledger receives it from gateways.
/// Parsing is strict (canonical decimal and base64, 32-byte hashes, size limits) and never throws.
/// </summary>
public sealed class AddCheckpointRequest
{
    /// <summary>The most proof lines a request may carry (tlog-witness).</summary>
    public const int MaxProofLines = 63;

    /// <summary>The largest request body accepted, in bytes: the largest note plus a full proof.</summary>
    public const int MaxBodyBytes = SignedNote.MaxNoteBytes + 4096;

    /// <summary>Creates a request.</summary>
    /// <exception cref="ArgumentException">The proof is too long or a hash is not 32 bytes.</exception>
    public AddCheckpointRequest(long oldSize, IReadOnlyList<byte[]> consistencyProof, string signedCheckpoint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentNullException.ThrowIfNull(consistencyProof);
        ArgumentNullException.ThrowIfNull(signedCheckpoint);
        if (consistencyProof.Count > MaxProofLines || consistencyProof.Any(h => h is not { Length: 32 }))
        {
            throw new ArgumentException("A consistency proof is at most 63 hashes of 32 bytes.", nameof(consistencyProof));
        }

        OldSize = oldSize;
        ConsistencyProof = consistencyProof;
        SignedCheckpoint = signedCheckpoint;
    }

    /// <summary>The size of the previous checkpoint the proof starts from (0 for the first submission).</summary>
    public long OldSize { get; }

    /// <summary>The consistency proof from <see cref="OldSize"/> to the checkpoint's size (empty when the old size is 0).</summary>
    public IReadOnlyList<byte[]> ConsistencyProof { get; }

    /// <summary>The signed checkpoint note, verbatim.</summary>
    public string SignedCheckpoint { get; }

    /// <summary>Formats the request body.</summary>
    public string Format()
    {
        var builder = new StringBuilder(SignedCheckpoint.Length + 64 + (ConsistencyProof.Count * 45));
        builder.Append(CultureInfo.InvariantCulture, $"old {OldSize}\n");
        foreach (var hash in ConsistencyProof)
        {
            builder.Append(Convert.ToBase64String(hash)).Append('\n');
        }

        return builder.Append('\n').Append(SignedCheckpoint).ToString();
    }

    /// <summary>Parses a request body (UTF-8). <paramref name="error"/> says what is wrong, for a 400 response.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out AddCheckpointRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (utf8.Length > MaxBodyBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the body is larger than {MaxBodyBytes} bytes");
            return false;
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            error = "the body is not UTF-8";
            return false;
        }

        return TryParse(Encoding.UTF8.GetString(utf8), out request, out error);
    }

    /// <summary>Parses a request body. <paramref name="error"/> says what is wrong, for a 400 response.</summary>
    public static bool TryParse(string? body, [NotNullWhen(true)] out AddCheckpointRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (body is null || body.Length > MaxBodyBytes)
        {
            error = "the body is missing or too large";
            return false;
        }

        var blank = body.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            error = "the body has no empty line before the checkpoint";
            return false;
        }

        var lines = body[..blank].Split('\n');
        if (!lines[0].StartsWith("old ", StringComparison.Ordinal) || !CanonicalDecimal.TryParse(lines[0].AsSpan(4), out var oldSize))
        {
            error = "the first line is not 'old <size>' in decimal without leading zeroes";
            return false;
        }

        if (lines.Length - 1 > MaxProofLines)
        {
            error = "the consistency proof has more than 63 lines";
            return false;
        }

        var proof = new byte[lines.Length - 1][];
        for (var i = 1; i < lines.Length; i++)
        {
            if (!StrictBase64.TryDecode(lines[i], out var hash) || hash.Length != 32)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"proof line {i} is not canonical base64 of a 32-byte hash");
                return false;
            }

            proof[i - 1] = hash;
        }

        var note = body[(blank + 2)..];
        if (!SignedNote.TryParse(note, out _))
        {
            error = "the checkpoint is not a well-formed signed note";
            return false;
        }

        request = new AddCheckpointRequest(oldSize, proof, note);
        error = null;
        return true;
    }
}
