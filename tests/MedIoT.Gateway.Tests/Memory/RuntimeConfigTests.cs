using System.Text.Json;

namespace MedIoT.Gateway.Tests.Memory;

/// <summary>
/// The runtime settings the gateway ships in its runtimeconfig.json (MedIoT.Gateway.csproj), read from the file the build
/// wrote, which the load harness, the tests and the packages all run with (docs/benchmarks/ingest.md, "Issue 16").
/// </summary>
public sealed class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "MedIoT.Gateway.runtimeconfig.json");
        Assert.True(File.Exists(path), $"The gateway's runtime config was not copied beside the tests: {path}");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void The_GC_heap_is_bounded_at_128_megabytes()
    {
        Assert.Equal(128L * 1024 * 1024, ConfigProperties().GetProperty("System.GC.HeapHardLimit").GetInt64());
    }

    [Fact]
    public void The_GC_commits_memory_in_one_megabyte_regions()
    {
        Assert.Equal(1024 * 1024, ConfigProperties().GetProperty("System.GC.RegionSize").GetInt32());
    }

    [Fact]
    public void Tiered_compilation_stays_off()
    {
        Assert.False(ConfigProperties().GetProperty("System.Runtime.TieredCompilation").GetBoolean());
    }
}
