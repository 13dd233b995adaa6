using System.Text;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;

namespace MedIoT.Gateway.Tests.Devices;

public sealed class DeviceRegistryTests
{
    private static string Entry(string deviceId, string publicJwk, string extra = "") =>
        $$"""{ "deviceId": "{{deviceId}}", "kind": "pulse-oximeter", "ward": "7A", "bed": "01", "publicKey": {{publicJwk}}{{extra}} }""";

    private static string Registry(params string[] entries) => $$"""{ "devices": [ {{string.Join(",", entries)}} ] }""";

    [Fact]
    public void A_valid_registry_is_loaded_with_keys_and_places()
    {
        using var key = Ed25519PrivateKey.Generate();
        var json = Registry(Entry("dev-1", OkpJsonWebKey.FormatPublic(key.PublicKey)), Entry("dev-2", OkpJsonWebKey.FormatPublic(key.PublicKey), ", \"revoked\": true"));

        var registry = DeviceRegistry.Parse(Encoding.UTF8.GetBytes(json), "test.json");

        Assert.Equal(2, registry.Count);
        Assert.True(registry.TryGet("dev-1", out var first));
        Assert.Equal(("pulse-oximeter", "7A", "01", false), (first.Kind, first.Location.Ward.ToString(), first.Location.Bed.ToString(), first.Revoked));
        Assert.Equal(key.PublicKey, first.PublicKey);
        Assert.True(registry.TryGet("dev-2", out var second));
        Assert.True(second.Revoked);
        Assert.False(registry.TryGet("dev-3", out _));
    }

    [Theory]
    [InlineData("""{ "devices": [ { "kind": "pulse-oximeter", "ward": "7A", "bed": "01" } ] }""", "entry 0, member \"deviceId\"")]
    [InlineData("""{ "devices": [ { "deviceId": "bad id", "kind": "pulse-oximeter", "ward": "7A", "bed": "01" } ] }""", "entry 0, member \"deviceId\"")]
    [InlineData("""{ "devices": [ { "deviceId": "d", "kind": "Pulse Oximeter", "ward": "7A", "bed": "01" } ] }""", "member \"kind\"")]
    [InlineData("""{ "devices": [ { "deviceId": "d", "kind": "pulse-oximeter", "ward": "7A", "bed": "01" } ] }""", "member \"publicKey\"")]
    [InlineData("""{ "devices": [ { "deviceId": "d", "kind": "pulse-oximeter", "ward": "7A", "bed": "01", "publicKey": { "kty": "OKP", "crv": "Ed25519", "x": "AAAA" } } ] }""", "member \"publicKey\"")]
    [InlineData("""{ "beds": [] }""", "member \"beds\"")]
    [InlineData("""{ "devices": [ """, "not well-formed JSON")]
    public void A_mistake_names_the_file_entry_and_member(string json, string expected)
    {
        var exception = Assert.Throws<InvalidDataException>(() => DeviceRegistry.Parse(Encoding.UTF8.GetBytes(json), "wardA.json"));

        Assert.Contains("wardA.json", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_registered_twice_is_refused()
    {
        using var key = Ed25519PrivateKey.Generate();
        var jwk = OkpJsonWebKey.FormatPublic(key.PublicKey);

        var exception = Assert.Throws<InvalidDataException>(() => DeviceRegistry.Parse(Encoding.UTF8.GetBytes(Registry(Entry("d", jwk), Entry("d", jwk))), "r.json"));

        Assert.Contains("entry 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("already registered by entry 0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_says_how_to_create_one()
    {
        var exception = Assert.Throws<FileNotFoundException>(() => DeviceRegistry.Load("/nonexistent/devices.json"));

        Assert.Contains("mediot-sim provision", exception.Message, StringComparison.Ordinal);
    }
}
