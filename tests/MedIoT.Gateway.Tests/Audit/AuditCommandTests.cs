using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Audit;

/// <summary>
/// Acceptance (issue 6): <c>MedIoT.Gateway audit</c>, run as its own process beside the running gateway, against real
/// mosquitto and InfluxDB: a clean store passes, a value changed in InfluxDB is reported altered (exactly that one), a
/// deleted point is reported missing (exactly that one), and the bundle it writes verifies with <c>mediot-verify</c>.
/// </summary>
public sealed partial class AuditCommandTests
{
    private const int Beds = 2;
    private const int FramesPerDevice = 10;

    [Fact]
    public async Task The_audit_reports_exactly_the_altered_and_the_missing_reading_and_writes_a_bundle_mediot_verify_accepts()
    {
        await using var ward = await GatewayWards.ChildProcess(Beds).WithMosquittoConfiguration([]).StartAsync();
        ward.Settings["Gateway:Journal:CheckpointIntervalSeconds"] = "1";
        await ward.StartGatewayAsync();
        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        using var stop = new CancellationTokenSource(Ward.Timeout);
        await Task.WhenAll(publishers.Select(p => p.RunAsync(FramesPerDevice, TimeSpan.FromMilliseconds(1), stop.Token)));
        const int Total = Beds * FramesPerDevice;
        await ward.WaitForAsync(async () =>
            (await ward.GetHealthAsync()).GetProperty("influxLagEntries").GetInt64() == 0
            && GatewayJournal.ReadCheckpoints(ward.JournalFolder) is { Count: > 0 } notes && notes[^1].Contains($"\n{Total}\n", StringComparison.Ordinal),
            "every frame stored and covered by a signed checkpoint");

        var times = publishers.SelectMany(p => p.Acknowledged).SelectMany(f => f.Observations).Select(o => o.TimeUnixNanoseconds).ToArray();
        var range = new[]
        {
            "--from", Iso(times.Min() - 1_000_000_000), "--to", Iso(times.Max() + 1_000_000_000),
        };
        var clean = await ward.RunAuditAsync(range);
        Assert.True(clean.ExitCode == 0, clean.Describe());
        Assert.Contains($"verified against the signed checkpoint {2 * Total}", clean.Output, StringComparison.Ordinal);
        Assert.Contains("missing 0, altered 0, unexplained 0", clean.Output, StringComparison.Ordinal);

        // Change one stored value and delete another point, directly in InfluxDB.
        var device0 = ward.Devices[0].DeviceId;
        var device1 = ward.Devices[1].DeviceId;
        var altered = (await ward.Influx.QueryAsync(ward.InfluxDatabase, $"SELECT * FROM vitals WHERE device = '{device0}' AND code = '150456'"))[3];
        var deleted = (await ward.Influx.QueryAsync(ward.InfluxDatabase, $"SELECT * FROM vitals WHERE device = '{device1}' AND code = '149530'"))[5];
        using (var http = new HttpClient { BaseAddress = ward.Influx.BaseAddress })
        {
            var line = $"vitals,bed={altered.Columns["bed"].GetString()},code=150456,device={device0},ward={altered.Columns["ward"].GetString()} " +
                $"value={(altered.Columns["value"].GetDouble() + 1).ToString(CultureInfo.InvariantCulture)},seq={altered.Columns["seq"].GetInt64()}i," +
                $"journal={altered.Columns["journal"].GetInt64()}i,unit=\"%\" {altered.TimeNanoseconds}\n";
            using var write = await http.PostAsync(new Uri($"write?db={ward.InfluxDatabase}&precision=ns", UriKind.Relative), new StringContent(line, Encoding.UTF8));
            Assert.True(write.IsSuccessStatusCode);
            using var delete = await http.PostAsync(new Uri($"query?db={ward.InfluxDatabase}", UriKind.Relative), new FormUrlEncodedContent(
                [new("q", $"DELETE FROM vitals WHERE device = '{device1}' AND code = '149530' AND time = {deleted.TimeNanoseconds}")]));
            Assert.True(delete.IsSuccessStatusCode);
        }

        var dirty = await ward.RunAuditAsync(range);
        Assert.True(dirty.ExitCode == 1, dirty.Describe());
        var findings = Finding().Matches(dirty.Output).Select(m => (Kind: m.Groups[1].Value, Journal: long.Parse(m.Groups[2].ValueSpan, CultureInfo.InvariantCulture),
            Device: m.Groups[3].Value, Code: m.Groups[4].Value)).ToArray();
        Assert.Equal(
            [("ALTERED", altered.Columns["journal"].GetInt64(), device0, "150456"), ("MISSING", deleted.Columns["journal"].GetInt64(), device1, "149530")],
            findings.OrderBy(f => f.Kind, StringComparer.Ordinal));
        Assert.Contains("missing 1, altered 1, unexplained 0", dirty.Output, StringComparison.Ordinal);
        // The report names readings, never their values.
        Assert.DoesNotContain(altered.Columns["value"].GetDouble().ToString(CultureInfo.InvariantCulture) + " ", dirty.Output, StringComparison.Ordinal);

        // The offline proof bundle of the altered reading's entry: the journal still proves what the device signed.
        var bundlePath = Path.Combine(ward.JournalFolder, "..", "altered.bundle");
        var journalIndex = altered.Columns["journal"].GetInt64().ToString(CultureInfo.InvariantCulture);
        var bundle = await ward.RunAuditAsync([.. range, "--device", device0, "--bundle-for", journalIndex, "--bundle-out", bundlePath]);
        Assert.True(bundle.ExitCode == 1, bundle.Describe()); // still the altered reading
        Assert.Contains("bundle: entry " + journalIndex, bundle.Output, StringComparison.Ordinal);
        // Anchoring is off in this ward: the bundle is proven against the latest checkpoint, without an anchor, and says so.
        Assert.Contains($"warning: no anchored checkpoint covers entry {journalIndex} yet", bundle.Error, StringComparison.Ordinal);
        var verify = await CommandLine.RunAsync("dotnet",
            [CommandLine.VerifierAssembly, "bundle", bundlePath, "--log-key", ward.CheckpointKey().ToString(), "--device-keys", ward.RegistryPath]);
        Assert.True(verify.ExitCode == 0, verify.Describe());
        Assert.StartsWith($"OK: entry {journalIndex} (device {device0}", verify.Output, StringComparison.Ordinal);

        // A bundle changed after it was written does not verify.
        var text = await File.ReadAllTextAsync(bundlePath);
        var entryLine = text.Split('\n').Single(l => l.StartsWith("entry ", StringComparison.Ordinal));
        var entry = Convert.FromBase64String(entryLine["entry ".Length..]);
        entry[^5] ^= 0x01;
        await File.WriteAllTextAsync(bundlePath, text.Replace(entryLine, "entry " + Convert.ToBase64String(entry), StringComparison.Ordinal));
        var forged = await CommandLine.RunAsync("dotnet",
            [CommandLine.VerifierAssembly, "bundle", bundlePath, "--log-key", ward.CheckpointKey().ToString(), "--device-keys", ward.RegistryPath]);
        Assert.Equal(1, forged.ExitCode);
    }

    private static string Iso(long unixNanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(unixNanoseconds / 100).ToString("O", CultureInfo.InvariantCulture);

    [GeneratedRegex("^(ALTERED|MISSING|UNEXPLAINED) journal=([0-9]+) device=(\\S+) code=([0-9]+) ", RegexOptions.Multiline)]
    private static partial Regex Finding();
}
