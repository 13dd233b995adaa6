using System.Globalization;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>
/// What the end-to-end anchoring tests share: a real gateway process configured to anchor into the real ledger process,
/// simulated devices publishing to it, waits on the gateway's /health and the ledger's <c>GET /anchored</c> (no sleeping),
/// and the offline checks a verifier does with the ledger key, the witness keys and the policy.
/// </summary>
internal static class AnchoredWards
{
    /// <summary>Points the ward's gateway at <paramref name="ledger"/> and registers its checkpoint key there (creating its identity).</summary>
    public static void Configure(Ward ward, LedgerServiceProcess ledger)
    {
        ward.Settings["Gateway:Journal:CheckpointIntervalSeconds"] = "1";
        ward.Settings["Gateway:Anchoring:LedgerUrl"] = ledger.Url.ToString();
        ward.Settings["Gateway:Anchoring:LedgerKey"] = ledger.VerifierKey.ToString();
        ward.Settings["Gateway:Anchoring:PollIntervalMilliseconds"] = "100";
        ward.Settings["Gateway:Anchoring:RetryInitialDelayMilliseconds"] = "50";
        ward.Settings["Gateway:Anchoring:RetryMaximumDelayMilliseconds"] = "300";
        ward.Settings["Gateway:Anchoring:RequestTimeoutSeconds"] = "30";
        ledger.Register(ward.CheckpointKey());
    }

    /// <summary>Every device of the ward publishes <paramref name="framesPerDevice"/> frames (QoS 1, acknowledged); returns how many were acknowledged.</summary>
    public static async Task<int> PublishAsync(Ward ward, int framesPerDevice)
    {
        using var stop = new CancellationTokenSource(Ward.Timeout);
        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        await Task.WhenAll(publishers.Select(p => p.RunAsync(framesPerDevice, TimeSpan.FromMilliseconds(2), stop.Token)));
        return publishers.Sum(p => p.Count);
    }

    /// <summary>The sizes of the signed checkpoints the journal kept (checkpoints.notes), in order.</summary>
    public static List<long> Sizes(Ward ward) =>
        [.. GatewayJournal.ReadCheckpoints(ward.JournalFolder).Select(n => Checkpoint.TryParseBody(SignedNote.TryParse(n, out var note) ? note.Text : "", out var c) ? c.Size : -1)];

    /// <summary>Waits until a signed checkpoint covers <paramref name="entries"/> entries.</summary>
    public static Task WaitForCheckpointAsync(Ward ward, long entries) =>
        ward.WaitForAsync(() => Sizes(ward).LastOrDefault() >= entries, string.Create(CultureInfo.InvariantCulture, $"a checkpoint covering {entries} entries"));

    /// <summary>
    /// Waits until the gateway's /health shows nothing left to anchor and the ledger's <c>GET /anchored</c> for its origin
    /// is the journal's latest signed checkpoint; returns the checkpoint sizes at that moment.
    /// </summary>
    public static async Task<List<long>> WaitForAnchoredAsync(Ward ward, LedgerServiceProcess ledger)
    {
        List<long> sizes = [];
        await ward.WaitForAsync(async () =>
        {
            sizes = Sizes(ward);
            var anchoring = (await ward.GetHealthAsync()).GetProperty("anchoring");
            return sizes.Count > 0 && anchoring.GetProperty("unanchoredCheckpoints").GetInt32() == 0
                && anchoring.GetProperty("anchoredSize").GetInt64() == sizes[^1]
                && await ledger.AnchoredAsync(ward.Origin) == sizes[^1];
        }, "every signed checkpoint anchored in the ledger");
        return sizes;
    }

    /// <summary>
    /// Every checkpoint of <paramref name="sizes"/> (checkpoints.notes) has a kept receipt that verifies offline with the
    /// ledger's key and origin and at least <paramref name="required"/> of <paramref name="witnesses"/>' cosignatures.
    /// </summary>
    public static void AssertEveryCheckpointHasAVerifyingReceipt(Ward ward, LedgerServiceProcess ledger, IReadOnlyList<long> sizes,
        IReadOnlyCollection<WitnessKey> witnesses, int required)
    {
        Assert.NotEmpty(sizes);
        var notes = GatewayJournal.ReadCheckpoints(ward.JournalFolder);
        var kept = Sizes(ward);
        foreach (var size in sizes)
        {
            var note = notes[kept.IndexOf(size)];
            var text = AnchorStore.ReadReceipt(ward.JournalFolder, size);
            Assert.True(text is not null, $"{ward.Origin}: no receipt kept for checkpoint {size}");
            Assert.True(LedgerReceipt.TryParse(text, out var receipt), $"{ward.Origin}: the receipt of checkpoint {size} does not parse");
            Assert.Equal(ReceiptFailure.None, receipt.Verify(note, [ledger.VerifierKey], LedgerServiceProcess.Origin, witnesses, required));
        }
    }

    /// <summary>Runs the real <c>audit --bundle-for</c> for journal entry <paramref name="index"/>; returns the bundle's path.</summary>
    public static async Task<string> BundleAsync(Ward ward, long index, string folder)
    {
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{ward.Settings["Gateway:GatewayId"]}-entry-{index}.bundle"));
        var audit = await ward.RunAuditAsync("--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z",
            "--bundle-for", index.ToString(CultureInfo.InvariantCulture), "--bundle-out", path);
        Assert.True(audit.ExitCode == 0, audit.Describe());
        Assert.Contains("proven against anchored checkpoint ", audit.Output, StringComparison.Ordinal);
        Assert.Contains("\nanchor mediot-ledger ", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        return path;
    }

    /// <summary>Runs the real <c>mediot-verify bundle</c> with the full chain: gateway key, device keys, ledger key, witness keys and the policy.</summary>
    public static Task<(int ExitCode, string Output, string Error)> VerifyAsync(Ward ward, string bundlePath, LedgerServiceProcess ledger,
        IEnumerable<WitnessProcess> witnesses, int required) =>
        VerifyAsync(ward, bundlePath, ledger.VerifierKey, witnesses, required);

    /// <summary>As above, trusting <paramref name="ledgerKey"/> as the ledger's key.</summary>
    public static Task<(int ExitCode, string Output, string Error)> VerifyAsync(Ward ward, string bundlePath, NoteVerifierKey ledgerKey,
        IEnumerable<WitnessProcess> witnesses, int required) =>
        CommandLine.RunAsync("dotnet",
        [
            CommandLine.VerifierAssembly, "bundle", bundlePath, "--log-key", ward.CheckpointKey().ToString(), "--device-keys", ward.RegistryPath,
            "--ledger-key", ledgerKey.ToString(), .. witnesses.SelectMany(w => new[] { "--witness-key", w.Key.ToString() }),
            "--require-cosignatures", required.ToString(CultureInfo.InvariantCulture),
        ]);
}
