namespace MedIoT.Architecture.Tests;

/// <summary>
/// The dependency graph of the design (docs/architecture.md, "Projects and the dependency graph"), stated as data: each
/// project and the projects it may reference. A reference outside this table, or a project missing from it, fails:
/// changing the graph is a deliberate edit of this file and of the architecture document.
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly Dictionary<string, string[]> s_allowed = new(StringComparer.Ordinal)
    {
        // Libraries and programs.
        ["MedIoT.Cryptography"] = [],
        ["MedIoT.Ledger"] = ["MedIoT.Cryptography"],
        ["MedIoT.Protocol"] = ["MedIoT.Cryptography"],
        ["MedIoT.Mqtt"] = [],
        ["MedIoT.Serial"] = [],
        ["MedIoT.Sensors"] = [],
        ["MedIoT.Alerts"] = ["MedIoT.Protocol"],
        ["MedIoT.Hosting"] = [],
        ["MedIoT.Gateway"] = ["MedIoT.Cryptography", "MedIoT.Protocol", "MedIoT.Mqtt", "MedIoT.Serial", "MedIoT.Sensors", "MedIoT.Ledger", "MedIoT.Alerts", "MedIoT.Hosting"],
        ["MedIoT.Ledger.Service"] = ["MedIoT.Cryptography", "MedIoT.Ledger", "MedIoT.Mqtt", "MedIoT.Hosting"],
        ["MedIoT.Ledger.Witness"] = ["MedIoT.Cryptography", "MedIoT.Ledger", "MedIoT.Hosting"],
        ["MedIoT.Ledger.Verifier"] = ["MedIoT.Cryptography", "MedIoT.Ledger", "MedIoT.Protocol"],
        ["MedIoT.FirmwareSim"] = ["MedIoT.Cryptography", "MedIoT.Protocol", "MedIoT.Mqtt", "MedIoT.Serial", "MedIoT.Sensors"],

        // Test support, tests and benchmarks: they may reference what they test, never the other way round.
        ["MedIoT.Testing"] = ["MedIoT.Ledger"],
        ["MedIoT.Architecture.Tests"] = ["MedIoT.Gateway", "MedIoT.Alerts", "MedIoT.Testing"],
        ["MedIoT.Cryptography.Tests"] = ["MedIoT.Cryptography"],
        ["MedIoT.Protocol.Tests"] = ["MedIoT.Protocol", "MedIoT.Testing"],
        ["MedIoT.Mqtt.Tests"] = ["MedIoT.Mqtt", "MedIoT.Testing"],
        ["MedIoT.Serial.Tests"] = ["MedIoT.Serial", "MedIoT.Protocol", "MedIoT.Testing"],
        ["MedIoT.Sensors.Tests"] = ["MedIoT.Sensors"],
        ["MedIoT.Alerts.Tests"] = ["MedIoT.Alerts", "MedIoT.Testing", "MedIoT.FirmwareSim"],
        ["MedIoT.Hosting.Tests"] = ["MedIoT.Hosting"],
        ["MedIoT.Ledger.Tests"] = ["MedIoT.Ledger", "MedIoT.Ledger.Verifier", "MedIoT.Ledger.CrashWorker", "MedIoT.Testing"],
        ["MedIoT.Ledger.CrashWorker"] = ["MedIoT.Ledger"],
        ["MedIoT.Ledger.Service.Tests"] = ["MedIoT.Ledger.Service", "MedIoT.Ledger.Witness", "MedIoT.Testing"],
        ["MedIoT.Ledger.Witness.Tests"] = ["MedIoT.Ledger.Witness", "MedIoT.Testing"],
        ["MedIoT.Gateway.Tests"] = ["MedIoT.Gateway", "MedIoT.FirmwareSim", "MedIoT.Testing", "MedIoT.Ledger.Verifier", "MedIoT.Ledger.Service", "MedIoT.Ledger.Witness"],
        // The station's browser tests: the gateway, the simulator's beds, the fixtures (OIDC provider, certificates).
        ["MedIoT.Station.Tests"] = ["MedIoT.Gateway", "MedIoT.FirmwareSim", "MedIoT.Testing"],
        // What ships: the packages, and the released arm64 gateway as a process (no reference), fed by the simulator's devices.
        ["MedIoT.Release.Tests"] = ["MedIoT.Testing", "MedIoT.FirmwareSim"],
        ["MedIoT.Gateway.LoadTest"] = ["MedIoT.Gateway", "MedIoT.FirmwareSim", "MedIoT.Testing"],
        ["MedIoT.Alerts.LoadHarness"] = ["MedIoT.Gateway", "MedIoT.FirmwareSim", "MedIoT.Testing"],
        ["MedIoT.Ledger.Benchmarks"] = ["MedIoT.Ledger"],
        ["MedIoT.Ledger.Service.Benchmarks"] = ["MedIoT.Ledger.Service", "MedIoT.Testing"],
        ["MedIoT.Ledger.Witness.LoadHarness"] = ["MedIoT.Ledger.Witness", "MedIoT.Testing"],
        ["MedIoT.Mqtt.Benchmarks"] = ["MedIoT.Mqtt", "MedIoT.Testing"],
        ["MedIoT.Serial.Benchmarks"] = ["MedIoT.Protocol"],
        ["MedIoT.Cryptography.Benchmarks"] = ["MedIoT.Cryptography"],

        // The dependency study (tests/Benchmarks/DependencyStudy, not in the solution): third-party packages against our client.
        ["MqttStudy"] = [],
        ["MqttBench"] = ["MedIoT.Mqtt"],
        ["ManagedClientProbe"] = [],
        ["PortsStudy"] = [],
        ["InfluxStudy"] = [],
        ["MetricsStudy"] = [],
    };

    /// <summary>The projects whose assemblies ship: they may grant internals to tests and benchmarks only.</summary>
    private static readonly string[] s_production =
    [
        "MedIoT.Cryptography", "MedIoT.Ledger", "MedIoT.Protocol", "MedIoT.Mqtt", "MedIoT.Serial", "MedIoT.Sensors", "MedIoT.Alerts", "MedIoT.Hosting",
        "MedIoT.Gateway", "MedIoT.Ledger.Service", "MedIoT.Ledger.Witness", "MedIoT.Ledger.Verifier", "MedIoT.FirmwareSim",
    ];

    [Fact]
    public void Every_project_reference_is_one_the_design_allows()
    {
        var problems = Check(ProjectGraph.ReadRepository());

        Assert.True(problems.Count == 0, "The project graph departs from docs/architecture.md:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void A_forbidden_reference_is_reported_with_the_project_and_the_reference()
    {
        // The ledger library reaching for the device protocol: the reference the design removed.
        var graph = WithExtraReference(ProjectGraph.ReadRepository(), "MedIoT.Ledger", "MedIoT.Protocol");

        var problem = Assert.Single(Check(graph));
        Assert.Contains("MedIoT.Ledger", problem, StringComparison.Ordinal);
        Assert.Contains("MedIoT.Protocol", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ledger_library_references_only_the_cryptography_project_and_no_package_of_its_own()
    {
        var ledger = ProjectGraph.ReadRepository().Projects["MedIoT.Ledger"];

        Assert.Equal(["MedIoT.Cryptography"], ledger.ProjectReferences);
        Assert.DoesNotContain(ledger.PackageReferences, package => package != "Microsoft.CodeAnalysis.BannedApiAnalyzers");
    }

    [Fact]
    public void Production_assemblies_show_their_internals_to_tests_and_benchmarks_only()
    {
        var graph = ProjectGraph.ReadRepository();
        var productionAssemblies = s_production.Select(name => graph.Projects[name].AssemblyName).ToHashSet(StringComparer.Ordinal);

        var grants = s_production
            .SelectMany(name => graph.Projects[name].InternalsVisibleTo.Select(friend => (Project: name, Friend: friend)))
            .Where(grant => productionAssemblies.Contains(grant.Friend) || !graph.Projects.Values.Any(project => project.AssemblyName == grant.Friend))
            .Select(grant => $"{grant.Project} grants InternalsVisibleTo to {grant.Friend}, which is not a test or benchmark assembly of the repository")
            .ToList();

        Assert.True(grants.Count == 0, string.Join("\n", grants));
    }

    private static List<string> Check(ProjectGraph graph)
    {
        var problems = new List<string>();
        foreach (var project in graph.Projects.Values.OrderBy(project => project.Name, StringComparer.Ordinal))
        {
            if (!s_allowed.TryGetValue(project.Name, out var allowed))
            {
                problems.Add($"{project.RelativePath}: the project is not in the allowed graph (ProjectReferenceTests); add it with the references the design gives it");
                continue;
            }

            problems.AddRange(project.ProjectReferences
                .Where(reference => !allowed.Contains(reference, StringComparer.Ordinal))
                .Select(reference => $"{project.RelativePath}: {project.Name} must not reference {reference}"));
        }

        return problems;
    }

    private static ProjectGraph WithExtraReference(ProjectGraph graph, string project, string reference)
    {
        var projects = graph.Projects.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        projects[project] = projects[project] with { ProjectReferences = [.. projects[project].ProjectReferences, reference] };
        return new ProjectGraph(projects);
    }
}
