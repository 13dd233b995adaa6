using System.Security.Cryptography;
using System.Text;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;

namespace MedIoT.Ledger.Witness.State;

/// <summary>
/// The witness's durable memory: per origin, the latest cosigned checkpoint, as the signed note the log sent, in a file
/// named after SHA-256 of the origin (<c>&lt;64 hex&gt;.checkpoint</c>). A save replaces that one file atomically and
/// durably (write a temporary file, fsync, rename over, fsync the folder: <see cref="DurableFolder.ReplaceFile"/>), so a
/// crash at any moment leaves the previous or the new state, never a mix and never nothing.
/// </summary>
/// <remarks>
/// A file per origin rather than SQLite: the state is one small note per log, written once per cosignature and read
/// only at start; atomic rename gives the all-or-nothing update the protocol needs without a database engine, and the
/// state stays readable with <c>cat</c>. Callers serialise saves per origin (<c>TrustedLog.Gate</c>); files of
/// different origins never share a temporary name.
/// </remarks>
internal sealed class CosignedStateStore
{
    private const string Extension = ".checkpoint";
    private readonly Dictionary<string, CosignedCheckpoint> _latest;

    private CosignedStateStore(string folder, Dictionary<string, CosignedCheckpoint> latest)
    {
        Folder = folder;
        _latest = latest;
    }

    /// <summary>The state folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// Opens the folder (created with mode 0700 when missing) and loads the state of every origin in <paramref name="origins"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A state file is not a checkpoint note of its origin. The witness must not start then: forgetting its state would
    /// let it cosign a rolled-back log. The message names the file.
    /// </exception>
    public static CosignedStateStore Open(string folder, IEnumerable<string> origins)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(origins);
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            DurableFolder.Flush(Path.GetDirectoryName(folder)!);
        }

        var latest = new Dictionary<string, CosignedCheckpoint>(StringComparer.Ordinal);
        foreach (var origin in origins)
        {
            var path = Path.Combine(folder, FileName(origin));
            latest[origin] = File.Exists(path) ? Load(path, origin) : CosignedCheckpoint.Nothing;
        }

        return new CosignedStateStore(folder, latest);
    }

    /// <summary>The latest cosigned checkpoint of <paramref name="origin"/>. Read it under the origin's gate.</summary>
    public CosignedCheckpoint Latest(string origin)
    {
        lock (_latest)
        {
            return _latest[origin];
        }
    }

    /// <summary>
    /// Makes <paramref name="checkpoint"/> the latest of <paramref name="origin"/>: durable on disk when this returns.
    /// Call it under the origin's gate, before the cosignature leaves the witness.
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the state is unchanged.</exception>
    public void Save(string origin, CosignedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.SignedNote is null)
        {
            throw new ArgumentException("Only a cosigned note can become the state.", nameof(checkpoint));
        }

        DurableFolder.ReplaceFile(Path.Combine(Folder, FileName(origin)), Encoding.UTF8.GetBytes(checkpoint.SignedNote));
        lock (_latest)
        {
            _latest[origin] = checkpoint;
        }
    }

    /// <summary>Every origin's latest cosigned size, for /health.</summary>
    public IReadOnlyDictionary<string, long> Sizes()
    {
        lock (_latest)
        {
            return _latest.ToDictionary(p => p.Key, p => p.Value.Size, StringComparer.Ordinal);
        }
    }

    /// <summary>The file name of an origin's state: SHA-256 of its UTF-8 bytes in lowercase hex (origins contain '/').</summary>
    public static string FileName(string origin) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin))) + Extension;

    private static CosignedCheckpoint Load(string path, string origin)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        if (!SignedNote.TryParse(text, out var note) || !Checkpoint.TryParseBody(note.Text, out var checkpoint))
        {
            throw new InvalidDataException(
                $"The witness state file '{path}' is not a signed checkpoint note. Restore it from a backup; the witness does not " +
                "start without its state, because starting from nothing would let it cosign a rolled-back log.");
        }

        if (!string.Equals(checkpoint.Origin, origin, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The witness state file '{path}' holds a checkpoint of '{checkpoint.Origin}', not of '{origin}'.");
        }

        return new CosignedCheckpoint(checkpoint.Size, checkpoint.RootHash.ToArray(), text);
    }
}
