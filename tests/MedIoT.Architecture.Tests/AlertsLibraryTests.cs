using MedIoT.Alerts;

namespace MedIoT.Architecture.Tests;

/// <summary>The alarm engine is a pure library: no hosting, ASP.NET Core, MQTT or journal (docs/architecture.md).</summary>
public sealed class AlertsLibraryTests
{
    private static readonly string[] s_forbiddenPrefixes =
    [
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Logging", "Microsoft.AspNetCore",
        "MedIoT.Mqtt", "MedIoT.Ledger", "MedIoT.Gateway", "MedIoT.Hosting", "MedIoT.Serial", "System.Net.Http", "System.Net.Sockets",
    ];

    [Fact]
    public void The_built_engine_references_no_hosting_web_mqtt_or_journal_assembly()
    {
        var references = typeof(AlarmEngine).Assembly.GetReferencedAssemblies().Select(name => name.Name!).ToList();

        Assert.Contains("MedIoT.Protocol", references);
        Assert.DoesNotContain(references, reference => s_forbiddenPrefixes.Any(prefix => reference.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_engines_project_has_no_package_or_framework_reference_and_bans_io_and_the_clock()
    {
        var project = ProjectGraph.ReadRepository().Projects["MedIoT.Alerts"];

        Assert.Equal(["MedIoT.Protocol"], project.ProjectReferences);
        Assert.Empty(project.FrameworkReferences);
        Assert.DoesNotContain(project.PackageReferences, package => package != "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        var banned = File.ReadAllLines(Path.Combine(Testing.RepositoryLayout.Root, "gateway", "MedIoT.Alerts", "BannedSymbols.Alerts.txt"));
        foreach (var symbol in new[] { "T:System.TimeProvider", "T:System.IO.File", "T:System.Threading.Tasks.Task", "T:System.Random" })
        {
            Assert.Contains(banned, line => line.StartsWith(symbol + ";", StringComparison.Ordinal));
        }
    }
}
