using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// An upgrade keeps <c>/var/lib/mediot/gateway</c> (the packages never touch it), so the new gateway must open the state an
/// earlier release left: its journal, with every entry and the last signed checkpoint, under the same key (Journals/README.md).
/// </summary>
public sealed class JournalUpgradeTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("0.0.354", 40)]
    public async Task The_gateway_opens_the_journal_an_earlier_release_wrote_and_continues_it(string release, int entries)
    {
        using var folder = TemporaryDirectory.Create("upgrade");
        var kept = Path.Combine(AppContext.BaseDirectory, "Packages", "Journals", release);
        var state = folder.Combine("state");
        CopyOwnerOnly(kept, state);
        using var notifications = NotifySocket.Bind(folder.Combine("notify"));

        await using var gateway = await PackagedGateway.StartAsync(folder, state, Path.Combine(state, "devices.json"), folder.Combine("notify"));

        // READY=1 comes only after the journal opened: its tree, the last checkpoint (which the signer resumes from and
        // refuses if it does not match the tree) and the sequence history were read.
        Assert.Equal("READY=1", await NotifySocket.ReceiveAsync(notifications, s_timeout));
        await gateway.WaitForOutputAsync($"[80] Journal open in {Path.Combine(state, "journal")}: {entries} entries");
        Assert.Contains("Gateway identity mediot.example/ward/gw-local loaded from", gateway.RecentOutput, StringComparison.Ordinal);
        Assert.Equal(0, await gateway.StopAsync());
        Assert.DoesNotMatch(@"(?m)^<[0-3]>", gateway.RecentOutput); // no error, critical or worse
    }

    // The state as the package leaves it: folders 0700, files 0600 (the key is refused otherwise).
    private static void CopyOwnerOnly(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from))
        {
            var copy = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyOwnerOnly(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
