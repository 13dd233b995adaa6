using System.Diagnostics.Metrics;
using System.Text;
using MedIoT.Alerts;
using MedIoT.Alerts.Staff;
using MedIoT.Gateway.Alerts;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Gateway.Tests.Alerts;

/// <summary>The armed beds' file <c>bed-exit.armed</c>: written whole and owner-only, read strictly, newest change wins.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BedExitArmingStoreTests : IDisposable
{
    private static readonly DateTimeOffset s_at = new(2026, 3, 1, 8, 15, 0, TimeSpan.Zero);
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger<BedExitArmingStore> _logs = TestLogs.CreateLogger<BedExitArmingStore>();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("bed-exit-store-");

    public void Dispose()
    {
        _meters.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public void Saved_armed_beds_load_back_as_they_were_from_an_owner_only_file()
    {
        var store = Create();
        BedExitMonitoringSet[] armings = [Arming("7A", "02", "nurse.jones"), Arming("7A", "01", "dr.okafor@ward-7a")];

        Assert.True(store.TrySave(store.NextVersion(), armings));

        Assert.Equal(armings.OrderBy(arming => arming.Bed.ToString(), StringComparer.Ordinal), Create().Load());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        Assert.False(File.Exists(store.Path + ".tmp"));
    }

    [Fact]
    public void An_older_state_never_overwrites_a_newer_one()
    {
        var store = Create();
        var older = store.NextVersion();
        var newer = store.NextVersion();

        Assert.True(store.TrySave(newer, [Arming("7A", "01", "nurse.jones")]));
        Assert.True(store.TrySave(older, []));

        Assert.Single(Create().Load());
    }

    [Fact]
    public void No_file_is_no_armed_bed_without_a_log_line()
    {
        Assert.Empty(Create().Load());
        Assert.Empty(_logs.Collector.GetSnapshot());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"version\":2,\"armed\":[]}")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"version\":1,\"armed\":[],\"extra\":1}")]
    [InlineData("{\"version\":1,\"armed\":{}}")]
    [InlineData("{\"version\":1,\"armed\":[{\"ward\":\"7A\",\"bed\":\"01\",\"armedBy\":\"nurse.jones\"}]}")]
    [InlineData("{\"version\":1,\"armed\":[{\"ward\":\"7 A\",\"bed\":\"01\",\"armedBy\":\"nurse.jones\",\"armedAt\":\"2026-03-01T08:15:00.0000000+00:00\"}]}")]
    [InlineData("{\"version\":1,\"armed\":[{\"ward\":\"7A\",\"bed\":\"01\",\"armedBy\":\"Secret-Value x\",\"armedAt\":\"2026-03-01T08:15:00.0000000+00:00\"}]}")]
    [InlineData("{\"version\":1,\"armed\":[{\"ward\":\"7A\",\"bed\":\"01\",\"armedBy\":\"nurse.jones\",\"armedAt\":\"yesterday\"}]}")]
    [InlineData("{\"version\":1,\"armed\":[{\"ward\":\"7A\",\"bed\":\"01\",\"armedBy\":\"nurse.jones\",\"armedAt\":\"2026-03-01T08:15:00.0000000+00:00\",\"weight\":80}]}")]
    [InlineData("{\"version\":1,\"armed\":[{\"ward\":\"7A\",\"bed\":\"01\",\"armedBy\":\"a\",\"armedAt\":\"2026-03-01T08:15:00.0000000+00:00\"},{\"ward\":\"7A\",\"bed\":\"01\",\"armedBy\":\"b\",\"armedAt\":\"2026-03-01T08:15:00.0000000+00:00\"}]}")]
    public void A_file_that_is_not_exactly_armed_beds_arms_nothing_and_is_logged_without_its_contents(string contents)
    {
        var store = Create();
        File.WriteAllText(store.Path, contents, Encoding.UTF8);

        Assert.Empty(store.Load());

        var logged = Assert.Single(_logs.Collector.GetSnapshot());
        Assert.Equal(GatewayLogEvents.BedExitArmingsUnreadable, logged.Id.Id);
        Assert.DoesNotContain("Secret-Value", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_write_is_counted_logged_and_answered_false()
    {
        var statistics = new AlarmStatistics(_meters.GetRequiredService<IMeterFactory>());
        var store = new BedExitArmingStore(Path.Combine(_folder.FullName, "missing-folder", BedExitArmingStore.FileName), statistics, _logs);

        Assert.False(store.TrySave(store.NextVersion(), [Arming("7A", "01", "nurse.jones")]));

        Assert.Equal(1, statistics.BedExitSaveFailures);
        Assert.Equal(GatewayLogEvents.BedExitArmingsNotSaved, Assert.Single(_logs.Collector.GetSnapshot()).Id.Id);
    }

    private BedExitArmingStore Create() =>
        new(Path.Combine(_folder.FullName, BedExitArmingStore.FileName), new AlarmStatistics(_meters.GetRequiredService<IMeterFactory>()), _logs);

    private static BedExitMonitoringSet Arming(string ward, string bed, string staff) =>
        new(BedLocation.Parse(ward, bed), true, StaffId.Parse(staff), s_at);
}
