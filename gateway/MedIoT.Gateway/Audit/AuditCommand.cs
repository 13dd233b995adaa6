using System.Globalization;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Audit;

/// <summary>
/// <c>MedIoT.Gateway audit</c>: checks what InfluxDB holds for a time range against the journal and its latest signed
/// checkpoint, using the gateway's own settings (InfluxDB, journal folder, identity, device registry). It reports
/// missing, altered and unexplained readings and alarm points (identity only, never values) and can write the offline
/// proof bundle of one journal entry (a frame or an alarm event) for <c>mediot-verify</c>. Read-only on the journal; safe while the gateway runs. Exit code 0 when
/// everything matches, 1 when something does not, 2 when the audit cannot run.
/// </summary>
internal static class AuditCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!AuditRequest.TryParse(args, out var request, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}{Environment.NewLine}{AuditRequest.Usage}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return await RunAsync(args, request, output, error).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or InvalidOperationException or HttpRequestException
            or UnauthorizedAccessException or OptionsValidationException)
        {
            await error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<int> RunAsync(string[] args, AuditRequest request, TextWriter output, TextWriter error)
    {
        var builder = GatewayHost.CreateBuilder(args);
        using var services = builder.Services.BuildServiceProvider();
        var settingsFolder = GatewayHost.SettingsSearch.Find(args).Folder;
        var influx = services.GetRequiredService<IOptions<InfluxOptions>>().Value;
        var identityOptions = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var journalFolder = Path.GetFullPath(services.GetRequiredService<IOptions<JournalOptions>>().Value.Folder, settingsFolder);
        var registryPath = Path.GetFullPath(services.GetRequiredService<IOptions<GatewayOptions>>().Value.DeviceRegistryPath, settingsFolder);
        var registry = DeviceRegistry.Load(registryPath);
        if (influx.ApiVersion != InfluxApiVersion.V1)
        {
            throw new InvalidOperationException("The audit reads InfluxDB with InfluxQL (/query): it needs Gateway:Influx:ApiVersion V1 (or the compatibility API).");
        }

        var keyFile = Path.GetFullPath(identityOptions.KeyFile, settingsFolder);
        if (!File.Exists(keyFile))
        {
            throw new InvalidOperationException($"The gateway's key '{keyFile}' does not exist: there is no journal signed by this gateway to audit.");
        }

        NoteVerifierKey key;
        using (var identity = GatewayIdentity.LoadOrCreate(keyFile, identityOptions.Name, out _))
        {
            key = NoteVerifierKey.Create(identity.Name, identity.PublicKey);
        }

        // The checkpoint first, then the log: the log's durable size only grows, so it covers the checkpoint.
        var latest = JournalAudit.LatestCheckpoint(journalFolder, key)
            ?? throw new InvalidOperationException($"The journal in '{journalFolder}' has no checkpoint signed by {key}.");
        using var log = MerkleLogReader.Open(Path.Combine(journalFolder, "log"));
        await output.WriteLineAsync($"audit: journal {journalFolder}: {log.Size} entries; latest signed checkpoint: size {latest.Checkpoint.Size} by {key}").ConfigureAwait(false);
        if (!JournalAudit.IsConsistent(log, latest.Checkpoint))
        {
            await output.WriteLineAsync("JOURNAL INCONSISTENT: the journal's tree does not have the root its signed checkpoint names; it was altered").ConfigureAwait(false);
            return 1;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(influx.RequestTimeoutSeconds * 6) };
        var reader = new InfluxReadClient(http, influx);
        var points = await reader.ReadAsync(request, CancellationToken.None).ConfigureAwait(false);
        var alarmPoints = await reader.ReadAlarmsAsync(request, CancellationToken.None).ConfigureAwait(false);
        var audit = new JournalAudit(log, latest.Checkpoint, registry);
        var findings = audit.Run(request, points, alarmPoints);
        foreach (var finding in findings.OrderBy(f => f.Kind).ThenBy(f => f.JournalIndex).ThenBy(f => f.Code, StringComparer.Ordinal))
        {
            var time = DateTimeOffset.UnixEpoch.AddTicks(finding.TimeUnixNanoseconds / 100).ToString("O", CultureInfo.InvariantCulture);
            var journal = finding.JournalIndex?.ToString(CultureInfo.InvariantCulture) ?? "none";
            await output.WriteLineAsync(
                $"{finding.Kind.ToString().ToUpperInvariant()} journal={journal} device={finding.Device} code={finding.Code} time={time}: {finding.Detail}").ConfigureAwait(false);
        }

        int Count(AuditFindingKind kind) => findings.Count(f => f.Kind == kind);
        await output.WriteLineAsync(
            $"audit: {points.Count} points read, {audit.ExpectedReadings} readings journaled in range; verified against the signed checkpoint {audit.Verified}, " +
            $"against the journal only (newer than the checkpoint) {audit.NotYetInCheckpoint}; " +
            $"{alarmPoints.Count} alarm points read, {audit.ExpectedAlarmEvents} alarm events journaled in range; verified against the signed checkpoint " +
            $"{audit.AlarmEventsVerified}, against the journal only {audit.AlarmEventsNotYetInCheckpoint}; " +
            $"missing {Count(AuditFindingKind.Missing)}, altered {Count(AuditFindingKind.Altered)}, unexplained {Count(AuditFindingKind.Unexplained)}").ConfigureAwait(false);

        if (request.BundleFor is { } index)
        {
            // The first anchored checkpoint covering the entry, with its ledger receipt (issue 8); else the latest one.
            var choice = await BundleAnchor.ChooseAsync(journalFolder, key, index, log.Size, latest.Note,
                services.GetRequiredService<IOptions<AnchoringOptions>>().Value, services.GetService<LedgerClient>(), CancellationToken.None).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Journal entry {index} is not covered by the latest signed checkpoint (size {latest.Checkpoint.Size}) yet.");
            if (choice.Anchor is null)
            {
                await error.WriteLineAsync($"warning: {choice.Explanation}").ConfigureAwait(false);
            }

            var bundle = new ProofBundle(index, log.ReadEntry(index), log.GetInclusionProof(index, choice.Size), choice.Note, choice.Anchor is null ? null : [choice.Anchor]);
            var path = Path.GetFullPath(request.BundleOut ?? $"entry-{index.ToString(CultureInfo.InvariantCulture)}.bundle");
            await File.WriteAllTextAsync(path, bundle.Format()).ConfigureAwait(false);
            await output.WriteLineAsync($"bundle: entry {index} written to {path}, {choice.Explanation}; verify with: mediot-verify bundle {path} --log-key '{key}' --device-keys {registryPath}" +
                (choice.Anchor is null ? "" : " --ledger-key <the ledger's key> [--witness-key <key>]...")).ConfigureAwait(false);
        }

        return findings.Count == 0 ? 0 : 1;
    }
}
