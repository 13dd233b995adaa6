using MedIoT.Ledger.Service.Registry;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Registry;

public sealed class GatewayRegistryTests : IDisposable
{
    private const string Vkey = "mediot.example/ward7a/gw-local+2273f98e+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("ledger-registry");

    [Fact]
    public void The_example_registry_loads()
    {
        var registry = GatewayRegistry.Load(Path.Combine(RepositoryLayout.Configs, "ledger-gateways.example.json"));
        Assert.True(registry.TryGetKey("mediot.example/ward7a/gw-local", out var key));
        Assert.Equal(Vkey, key.ToString());
    }

    [Theory]
    [InlineData("""{"gateways":[{"origin":"mediot.example/ward7a/gw-local","vkey":"VKEY","extra":1}]}""", "unexpected property 'extra'")]
    [InlineData("""{"gateways":[{"origin":"mediot.example/ward7a/gw-local","vkey":"VKEY"},{"origin":"mediot.example/ward7a/gw-local","vkey":"VKEY"}]}""", "listed twice")]
    [InlineData("""{"gateways":[{"origin":"mediot.example/other","vkey":"VKEY"}]}""", "but the origin is")]
    [InlineData("""{"gateways":[{"origin":"mediot.example/ward7a/gw-local","vkey":"not a key"}]}""", "does not parse")]
    [InlineData("""{"gateways":[{"origin":"mediot.example/ward7a/gw-local"}]}""", "needs both")]
    [InlineData("""{"devices":[]}""", "unexpected property 'devices'")]
    [InlineData("""[1,2""", "not JSON")]
    public void A_registry_with_a_mistake_is_refused_with_a_message_naming_it(string json, string expected)
    {
        var path = _folder.Combine("registry.json");
        File.WriteAllText(path, json.Replace("VKEY", Vkey, StringComparison.Ordinal));
        var refusal = Assert.Throws<InvalidDataException>(() => GatewayRegistry.Load(path));
        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Ledger:RegistryFile", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
