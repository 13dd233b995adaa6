using System.Globalization;
using System.Text;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// Follows the journal's <c>checkpoints.notes</c> (every checkpoint it signed, appended as <c>&lt;byte length&gt;\n&lt;note&gt;</c>
/// records; Journal/GatewayJournal) from where it last stopped, read-only and without locking the writer out. A record
/// still being appended (torn) is left for the next read. Remembers every signed size, to tell the ledger's sizes that
/// are ours from those that are not.
/// </summary>
internal sealed class CheckpointFeed(string checkpointsFile, NoteVerifierKey key)
{
    private readonly List<long> _sizes = [];
    private long _offset;

    /// <summary>The largest size signed so far (0 when none).</summary>
    public long LatestSize => _sizes.Count == 0 ? 0 : _sizes[^1];

    /// <summary>True when the journal signed a checkpoint of <paramref name="size"/>.</summary>
    public bool Signed(long size) => _sizes.BinarySearch(size) >= 0;

    /// <summary>
    /// The checkpoints appended since the last call, in order. A record that is not a checkpoint signed by the journal's
    /// key, or whose size does not grow, is skipped and reported through <paramref name="invalid"/>.
    /// </summary>
    public IReadOnlyList<SignedJournalCheckpoint> ReadNew(Action<long, string> invalid)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        if (!File.Exists(checkpointsFile))
        {
            return [];
        }

        byte[] bytes;
        using (var stream = new FileStream(checkpointsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length <= _offset)
            {
                return [];
            }

            stream.Position = _offset;
            bytes = new byte[stream.Length - _offset];
            stream.ReadExactly(bytes);
        }

        var found = new List<SignedJournalCheckpoint>();
        var position = 0;
        while (position < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', position);
            if (newline < 0 || !int.TryParse(bytes.AsSpan(position, newline - position), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || newline + 1 + length > bytes.Length)
            {
                break; // still being appended: read again next time
            }

            var note = Encoding.UTF8.GetString(bytes, newline + 1, length);
            var recordOffset = _offset + position;
            position = newline + 1 + length;
            if (!Checkpoint.TryOpen(note, [key], key.Name, out var checkpoint, out var failure))
            {
                invalid(recordOffset, $"not a checkpoint signed by {key} ({failure})");
                continue;
            }

            if (checkpoint.Size <= LatestSize)
            {
                invalid(recordOffset, string.Create(CultureInfo.InvariantCulture, $"size {checkpoint.Size} does not grow past {LatestSize}"));
                continue;
            }

            _sizes.Add(checkpoint.Size);
            found.Add(new SignedJournalCheckpoint(checkpoint.Size, note));
        }

        _offset += position;
        return found;
    }
}
