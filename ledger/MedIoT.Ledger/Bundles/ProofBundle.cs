using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Bundles;

/// <summary>
/// An offline proof bundle: everything needed to prove, with public keys only, that one entry is in the log. Text,
/// UTF-8, lines ending in "\n" (docs/ledger-entry-format.md, "Proof bundle"):
/// <code>
/// mediot-proof-bundle v1
/// index &lt;leaf index, decimal&gt;
/// entry &lt;base64 of the encoded LedgerEntry&gt;
/// proof &lt;base64 hash&gt;            (one line per inclusion proof hash, leaf side first; none for a tree of one)
/// anchor &lt;kind&gt; &lt;base64&gt;         (zero or more; "mediot-ledger": a LedgerReceipt, checked with an AnchorPolicy)
///
/// &lt;the signed checkpoint note, verbatim: body, blank line, signature lines (the log's and any witness cosignatures)&gt;
/// </code>
/// Parsing is strict (fixed order, canonical base64, no unknown lines) and never throws.
/// </summary>
public sealed class ProofBundle
{
    /// <summary>The first line of every version 1 bundle.</summary>
    public const string Header = "mediot-proof-bundle v1";

    /// <summary>The largest bundle accepted, in bytes.</summary>
    public const int MaxBundleBytes = 1 << 20;

    /// <summary>Creates a bundle.</summary>
    public ProofBundle(long index, ReadOnlyMemory<byte> entry, IReadOnlyList<byte[]> inclusionProof, string signedCheckpoint,
        IReadOnlyList<AnchorReceipt>? anchors = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(inclusionProof);
        ArgumentNullException.ThrowIfNull(signedCheckpoint);
        Index = index;
        Entry = entry;
        InclusionProof = inclusionProof;
        SignedCheckpoint = signedCheckpoint;
        Anchors = anchors ?? [];
    }

    /// <summary>
    /// Builds the bundle for entry <paramref name="index"/> of <paramref name="log"/>, proven against
    /// <paramref name="signedCheckpoint"/> (a note by this log; its size must be above the index and at most the log's size).
    /// </summary>
    /// <exception cref="ArgumentException">The note is not a checkpoint.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index or the checkpoint size is out of range for the log.</exception>
    public static ProofBundle FromLog(Storage.MerkleLog log, long index, string signedCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!SignedNote.TryParse(signedCheckpoint, out var note) || !Checkpoint.TryParseBody(note.Text, out var checkpoint))
        {
            throw new ArgumentException("Not a signed checkpoint note.", nameof(signedCheckpoint));
        }

        return new ProofBundle(index, log.ReadEntry(index), log.GetInclusionProof(index, checkpoint.Size), signedCheckpoint);
    }

    /// <summary>The leaf index of the entry.</summary>
    public long Index { get; }

    /// <summary>The encoded entry (the leaf's bytes).</summary>
    public ReadOnlyMemory<byte> Entry { get; }

    /// <summary>PATH(index, D[0:checkpoint size]).</summary>
    public IReadOnlyList<byte[]> InclusionProof { get; }

    /// <summary>The signed checkpoint note the proof leads to.</summary>
    public string SignedCheckpoint { get; }

    /// <summary>Anchor receipts (<c>mediot-ledger</c> ones are verified when an <see cref="AnchorPolicy"/> is given).</summary>
    public IReadOnlyList<AnchorReceipt> Anchors { get; }

    /// <summary>The bundle text.</summary>
    public string Format()
    {
        var builder = new StringBuilder();
        builder.Append(Header).Append('\n');
        builder.Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append("entry ").Append(Convert.ToBase64String(Entry.Span)).Append('\n');
        foreach (var hash in InclusionProof)
        {
            builder.Append("proof ").Append(Convert.ToBase64String(hash)).Append('\n');
        }

        foreach (var anchor in Anchors)
        {
            builder.Append("anchor ").Append(anchor.Kind).Append(' ').Append(Convert.ToBase64String(anchor.Receipt.Span)).Append('\n');
        }

        builder.Append('\n').Append(SignedCheckpoint);
        return builder.ToString();
    }

    /// <summary>Parses bundle text strictly; <paramref name="error"/> says what is wrong in one line.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ProofBundle? bundle, [NotNullWhen(false)] out string? error)
    {
        bundle = null;
        if (text is null || Encoding.UTF8.GetByteCount(text) > MaxBundleBytes)
        {
            error = "the bundle is empty or larger than 1 MiB";
            return false;
        }

        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            error = "no blank line before the signed checkpoint";
            return false;
        }

        var lines = text[..blank].Split('\n');
        var note = text[(blank + 2)..];
        if (lines[0] != Header)
        {
            error = $"the first line is not '{Header}'";
            return false;
        }

        if (lines.Length < 3 || !lines[1].StartsWith("index ", StringComparison.Ordinal) || !CanonicalDecimal.TryParse(lines[1].AsSpan(6), out var index))
        {
            error = "the second line is not 'index <decimal>'";
            return false;
        }

        if (!lines[2].StartsWith("entry ", StringComparison.Ordinal) || !StrictBase64.TryDecode(lines[2][6..], out var entry))
        {
            error = "the third line is not 'entry <canonical base64>'";
            return false;
        }

        var proof = new List<byte[]>();
        var anchors = new List<AnchorReceipt>();
        for (var i = 3; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("proof ", StringComparison.Ordinal) && anchors.Count == 0)
            {
                if (!StrictBase64.TryDecode(line[6..], out var hash))
                {
                    error = $"line {i + 1}: a proof hash is not canonical base64";
                    return false;
                }

                proof.Add(hash);
            }
            else if (line.StartsWith("anchor ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length != 3 || !AnchorReceipt.IsValidKind(parts[1]) || !StrictBase64.TryDecode(parts[2], out var receipt))
                {
                    error = $"line {i + 1}: an anchor line is not 'anchor <kind> <canonical base64>'";
                    return false;
                }

                anchors.Add(new AnchorReceipt(parts[1], receipt));
            }
            else
            {
                error = $"line {i + 1}: unexpected line (proof lines come before anchor lines; nothing else is allowed)";
                return false;
            }
        }

        bundle = new ProofBundle(index, entry, proof, note, anchors);
        error = null;
        return true;
    }
}
