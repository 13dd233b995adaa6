using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using MedIoT.Gateway.Hosting;

namespace MedIoT.Architecture.Tests;

/// <summary>
/// The gateway reads as a one-way pipeline (docs/architecture.md, "The gateway's folders"): Ingestion → Journal →
/// Storage and Anchoring, Alerts fed by Ingestion. Checked on the built assembly, every type reference counted.
/// </summary>
public sealed class GatewayNamespaceTests
{
    private static readonly ArchUnitNET.Domain.Architecture s_gateway = new ArchLoader().LoadAssemblies(typeof(GatewayHost).Assembly).Build();

    [Fact]
    public void The_gateways_folders_form_no_cycle()
    {
        // One node per top-level folder (Ingestion with Ingestion.Mqtt and Ingestion.Serial, ...); the root namespace
        // (Log, GatewayOptions, ...) is a leaf every folder may use.
        var edges = s_gateway.Types
            .SelectMany(type => type.Dependencies.Select(dependency => (From: Folder(type), To: Folder(dependency.Target))))
            .Where(edge => edge.From is not null && edge.To is not null && edge.From != edge.To)
            .Select(edge => (edge.From!, edge.To!))
            .Distinct()
            .ToList();

        var cycle = FindCycle(edges);

        Assert.True(cycle is null, "The gateway's folders depend on each other in a circle: " + string.Join(" -> ", cycle ?? []));
    }

    [Fact]
    public void The_gateways_namespaces_form_no_cycle()
    {
        // One slice per namespace, so that a folder's own sub-namespaces do not lean on each other in a circle either.
        SliceRuleDefinition.Slices().Matching("MedIoT.Gateway.(**)").Should().BeFreeOfCycles().Check(s_gateway);
    }

    [Theory]
    [InlineData("MedIoT.Gateway.Ingestion", "MedIoT.Gateway.Journal")]
    [InlineData("MedIoT.Gateway.Ingestion", "MedIoT.Gateway.Alerts")]
    [InlineData("MedIoT.Gateway.Ingestion", "MedIoT.Gateway.Storage")]
    [InlineData("MedIoT.Gateway.Journal", "MedIoT.Gateway.Storage")]
    [InlineData("MedIoT.Gateway.Journal", "MedIoT.Gateway.Anchoring")]
    [InlineData("MedIoT.Gateway.Journal", "MedIoT.Gateway.Alerts")]
    [InlineData("MedIoT.Gateway.Storage", "MedIoT.Gateway.Alerts")]
    [InlineData("MedIoT.Gateway.Anchoring", "MedIoT.Gateway.Alerts")]
    [InlineData("MedIoT.Gateway.Http", "MedIoT.Gateway.Station")]
    [InlineData("MedIoT.Gateway.Alerts", "MedIoT.Gateway.Station")]
    [InlineData("MedIoT.Gateway.Ingestion", "MedIoT.Gateway.Station")]
    [InlineData("MedIoT.Gateway.Storage", "MedIoT.Gateway.Station")]
    [InlineData("MedIoT.Gateway.Http", "MedIoT.Gateway.Access")]
    [InlineData("MedIoT.Gateway.Access", "MedIoT.Gateway.Alerts")]
    public void Upstream_stages_do_not_know_downstream_ones(string upstream, string downstream)
    {
        var offenders = s_gateway.Types
            .Where(type => InNamespace(type, upstream))
            .SelectMany(type => type.Dependencies.Select(dependency => (From: type, To: dependency.Target)))
            .Where(edge => InNamespace(edge.To, downstream))
            .Select(edge => $"{edge.From.FullName} -> {edge.To.FullName}")
            .Distinct()
            .ToList();

        Assert.True(offenders.Count == 0, $"{upstream} must not depend on {downstream}:\n" + string.Join("\n", offenders));
    }

    /// <summary>The top-level folder of a gateway type (<c>Ingestion</c> for <c>MedIoT.Gateway.Ingestion.Serial</c>); null outside them.</summary>
    private static string? Folder(IType type)
    {
        const string Prefix = "MedIoT.Gateway.";
        var name = type.Namespace?.FullName ?? string.Empty;
        return name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..].Split('.')[0] : null;
    }

    /// <summary>A cycle of the directed graph <paramref name="edges"/> as its nodes in order (first repeated last), or null.</summary>
    private static List<string>? FindCycle(IReadOnlyCollection<(string From, string To)> edges)
    {
        var next = edges.GroupBy(edge => edge.From, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Select(edge => edge.To).ToList(), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return [.. path.Skip(at), node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var target in next.GetValueOrDefault(node) ?? [])
            {
                if (Visit(target) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return next.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    private static bool InNamespace(IType type, string name) =>
        type.Namespace?.FullName is { } space && (space == name || space.StartsWith(name + ".", StringComparison.Ordinal));
}
