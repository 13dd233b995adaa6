using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// A C2SP tlog-checkpoint body: the origin line, the tree size in decimal, the standard base64 root hash, and
/// optional extension lines, each ending in a newline. It is the text of a <see cref="SignedNote"/>. Immutable.
/// </summary>
public sealed class Checkpoint
{
    private readonly byte[] _rootHash;

    /// <summary>Creates a checkpoint.</summary>
    /// <exception cref="ArgumentException">The origin is empty or has a control character, or the root is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public Checkpoint(string origin, long size, ReadOnlySpan<byte> rootHash, IReadOnlyList<string>? extensions = null)
    {
        if (!IsValidLine(origin))
        {
            throw new ArgumentException("The origin is a non-empty line without control characters.", nameof(origin));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleHash.Length)
        {
            throw new ArgumentException($"A root hash is {MerkleHash.Length} bytes.", nameof(rootHash));
        }

        extensions ??= [];
        if (!extensions.All(IsValidLine))
        {
            throw new ArgumentException("Extension lines are non-empty lines without control characters.", nameof(extensions));
        }

        Origin = origin;
        Size = size;
        _rootHash = rootHash.ToArray();
        Extensions = [.. extensions];
    }

    /// <summary>The log's origin (its unique name, e.g. <c>mediot.example/ward7/gw1</c>).</summary>
    public string Origin { get; }

    /// <summary>The tree size.</summary>
    public long Size { get; }

    /// <summary>The root hash MTH(D[0:Size]).</summary>
    public ReadOnlySpan<byte> RootHash => _rootHash;

    /// <summary>Extension lines after the root (C2SP tlog-checkpoint), kept but not interpreted.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The body text: origin, size, root and extension lines, each ending in a newline.</summary>
    public string FormatBody()
    {
        var builder = new StringBuilder();
        builder.Append(Origin).Append('\n');
        builder.Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(Convert.ToBase64String(_rootHash)).Append('\n');
        foreach (var extension in Extensions)
        {
            builder.Append(extension).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Parses a body strictly: at least three lines; the size is decimal digits without a sign or leading zero
    /// (except "0") that fit in 63 bits; the root is canonical base64 of 32 bytes. Never throws.
    /// </summary>
    public static bool TryParseBody(string? text, [NotNullWhen(true)] out Checkpoint? checkpoint)
    {
        checkpoint = null;
        if (text is null || !text.EndsWith('\n'))
        {
            return false;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || !lines.All(IsValidLine))
        {
            return false;
        }

        var sizeText = lines[1];
        if (!CanonicalDecimal.TryParse(sizeText, out var size))
        {
            return false;
        }

        if (!StrictBase64.TryDecode(lines[2], out var root) || root.Length != MerkleHash.Length)
        {
            return false;
        }

        checkpoint = new Checkpoint(lines[0], size, root, lines[3..]);
        return true;
    }

    /// <summary>
    /// Parses and verifies a signed checkpoint note: the note must parse, verify with at least one of
    /// <paramref name="knownKeys"/>, carry a valid body, have the name of a key that verified it as its origin (the
    /// origin is pinned by the trusted key, see <see cref="IsOriginOf"/>), and (when given) have
    /// <paramref name="expectedOrigin"/>.
    /// </summary>
    public static bool TryOpen(string? signedNote, IReadOnlyCollection<NoteVerifierKey> knownKeys, string? expectedOrigin,
        [NotNullWhen(true)] out Checkpoint? checkpoint, out NoteFailure failure)
    {
        checkpoint = null;
        if (!SignedNote.TryParse(signedNote, out var note))
        {
            failure = NoteFailure.MalformedNote;
            return false;
        }

        if (!note.TryVerify(knownKeys, out var verifiedBy, out failure))
        {
            return false;
        }

        if (!TryParseBody(note.Text, out checkpoint))
        {
            failure = NoteFailure.MalformedCheckpoint;
            return false;
        }

        if (!IsOriginOf(checkpoint.Origin, verifiedBy)
            || (expectedOrigin is not null && !string.Equals(checkpoint.Origin, expectedOrigin, StringComparison.Ordinal)))
        {
            checkpoint = null;
            failure = NoteFailure.WrongOrigin;
            return false;
        }

        failure = NoteFailure.None;
        return true;
    }

    /// <summary>
    /// True when one of <paramref name="verifiedBy"/> (the trusted keys whose signatures on a checkpoint verified) is
    /// named <paramref name="origin"/>. C2SP tlog-checkpoint ("Signatures"): the log's key name in its signature line
    /// SHOULD match the origin line; every MedIoT verifier makes that a requirement, so a trusted key vouches only for
    /// checkpoints of the log its name pins (C2SP signed-note: the verifier picks the key, and with it the name, it expects).
    /// </summary>
    public static bool IsOriginOf(string origin, IReadOnlyCollection<NoteVerifierKey> verifiedBy)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(verifiedBy);
        return verifiedBy.Any(k => string.Equals(k.Name, origin, StringComparison.Ordinal));
    }

    /// <summary>
    /// An origin or key name for a message or log line: quoted, and cut at 100 characters (it comes from untrusted input;
    /// an origin line and a key name have no control characters).
    /// </summary>
    public static string Quote(string? name) => name is null ? "'?'" : name.Length > 100 ? $"'{name[..100]}...'" : $"'{name}'";

    private static bool IsValidLine(string? line) =>
        !string.IsNullOrEmpty(line) && !line.EnumerateRunes().Any(r => Rune.IsControl(r) || r == Rune.ReplacementChar);
}
