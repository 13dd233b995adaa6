using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// What anchoring keeps, in the journal folder's <c>anchoring/</c> folder: <c>receipts/&lt;size&gt;.receipt</c>, the
/// ledger's receipt of each anchored checkpoint (text, <c>mediot-ledger-receipt v1</c>), and <c>state</c>, the last
/// anchored checkpoint (<c>size &lt;n&gt;</c>, a blank line, the note). Every file is replaced atomically and flushed
/// (<see cref="DurableFolder"/>); a receipt is written before the state moves past it, so a crash between the two only
/// makes the next start ask the ledger again (it answers 409 with its size, and the receipt is fetched).
/// </summary>
internal sealed class AnchorStore
{
    /// <summary>The folder's name inside the journal folder.</summary>
    public const string FolderName = "anchoring";

    private const string StateFileName = "state";
    private readonly string _folder;
    private readonly string _receipts;

    public AnchorStore(string journalFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(journalFolder);
        _folder = Path.Combine(journalFolder, FolderName);
        _receipts = Path.Combine(_folder, "receipts");
        if (!Directory.Exists(_receipts))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_receipts);
            }
            else
            {
                Directory.CreateDirectory(_receipts, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            DurableFolder.Flush(_folder);
            DurableFolder.Flush(journalFolder);
        }
    }

    /// <summary>The path of the receipt of the checkpoint of size <paramref name="size"/> in <paramref name="journalFolder"/>.</summary>
    public static string ReceiptPath(string journalFolder, long size) =>
        Path.Combine(journalFolder, FolderName, "receipts", size.ToString(CultureInfo.InvariantCulture) + ".receipt");

    /// <summary>The kept receipt text of the checkpoint of size <paramref name="size"/>, or null.</summary>
    public static string? ReadReceipt(string journalFolder, long size)
    {
        var path = ReceiptPath(journalFolder, size);
        return File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : null;
    }

    /// <summary>
    /// The last anchored checkpoint, or null when none was. A state file that does not parse, or whose note does not
    /// verify with <paramref name="key"/>, is reported in <paramref name="problem"/> and treated as none: the ledger's
    /// 409 answer then tells where it stands.
    /// </summary>
    public SignedJournalCheckpoint? LoadState(NoteVerifierKey key, out string? problem)
    {
        problem = null;
        var path = Path.Combine(_folder, StateFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path, Encoding.UTF8);
        if (TryParseState(text, key, out var state))
        {
            return state;
        }

        problem = $"the anchoring state '{path}' is damaged or not signed by {key}";
        return null;
    }

    /// <summary>Keeps a receipt durably.</summary>
    public void SaveReceipt(long size, string receiptText) =>
        DurableFolder.ReplaceFile(Path.Combine(_receipts, size.ToString(CultureInfo.InvariantCulture) + ".receipt"), Encoding.UTF8.GetBytes(receiptText));

    /// <summary>Records <paramref name="anchored"/> as the last anchored checkpoint, durably.</summary>
    public void SaveState(SignedJournalCheckpoint anchored) =>
        DurableFolder.ReplaceFile(Path.Combine(_folder, StateFileName),
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"size {anchored.Size}\n\n{anchored.Note}")));

    private static bool TryParseState(string text, NoteVerifierKey key, [NotNullWhen(true)] out SignedJournalCheckpoint? state)
    {
        state = null;
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0 || !text.StartsWith("size ", StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(5, blank - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }

        var note = text[(blank + 2)..];
        if (!Checkpoint.TryOpen(note, [key], key.Name, out var checkpoint, out _) || checkpoint.Size != size)
        {
            return false;
        }

        state = new SignedJournalCheckpoint(size, note);
        return true;
    }
}
