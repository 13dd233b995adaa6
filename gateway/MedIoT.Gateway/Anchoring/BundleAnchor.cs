using System.Globalization;
using System.Text;
using MedIoT.Gateway.Journal;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// Which checkpoint a proof bundle for one journal entry is proven against, and its ledger receipt (issue 8): the
/// first ANCHORED checkpoint that covers the entry (size above its index), with its kept receipt, refreshed from the
/// ledger (<c>GET /receipt</c>, to carry the cosignatures collected since) when the ledger answers; otherwise the latest
/// checkpoint without an anchor line.
/// </summary>
internal static class BundleAnchor
{
    /// <summary>The choice: the checkpoint's note and size, the anchor (or null), and one line saying what was chosen.</summary>
    public sealed record Choice(string Note, long Size, AnchorReceipt? Anchor, string Explanation);

    /// <summary>Chooses for entry <paramref name="index"/>; <paramref name="logSize"/> bounds the checkpoints usable.</summary>
    public static async Task<Choice?> ChooseAsync(string journalFolder, NoteVerifierKey key, long index, long logSize, string? latestNote,
        AnchoringOptions options, LedgerClient? ledger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        var ledgerKey = ReceiptCheck.LedgerKey(options);
        foreach (var note in GatewayJournal.ReadCheckpoints(journalFolder))
        {
            if (!Checkpoint.TryOpen(note, [key], key.Name, out var checkpoint, out _) || checkpoint.Size <= index || checkpoint.Size > logSize)
            {
                continue;
            }

            if (!ReceiptCheck.TryCheck(note, AnchorStore.ReadReceipt(journalFolder, checkpoint.Size), ledgerKey, out var receipt, out _, out _))
            {
                continue; // not anchored (yet), or its kept receipt is unusable
            }

            var source = "kept";
            if (options.Enabled && ledger is not null)
            {
                var fresh = await ledger.GetReceiptAsync(key.Name, checkpoint.Size, cancellationToken).ConfigureAwait(false);
                if (fresh.Kind == LedgerAnswerKind.Ok && ReceiptCheck.TryCheck(note, fresh.Body, ledgerKey, out var refreshed, out _, out _))
                {
                    receipt = refreshed;
                    source = "refreshed from the ledger";
                }
                else
                {
                    source = "kept (the ledger did not give a fresh one: " + fresh.Detail + ")";
                }
            }

            return new Choice(note, checkpoint.Size, new AnchorReceipt(LedgerReceipt.BundleAnchorKind, Encoding.UTF8.GetBytes(receipt.Format())),
                string.Create(CultureInfo.InvariantCulture, $"proven against anchored checkpoint {checkpoint.Size} (ledger leaf {receipt.Index}, receipt {source})"));
        }

        return latestNote is not null && Checkpoint.TryOpen(latestNote, [key], key.Name, out var latest, out _) && latest.Size > index
            ? new Choice(latestNote, latest.Size, null, string.Create(CultureInfo.InvariantCulture,
                $"no anchored checkpoint covers entry {index} yet: proven against the latest checkpoint {latest.Size}, without a ledger anchor"))
            : null;
    }
}
