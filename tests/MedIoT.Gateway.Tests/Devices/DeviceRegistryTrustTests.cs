using System.Text;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;

namespace MedIoT.Gateway.Tests.Devices;

public sealed class DeviceRegistryTrustTests
{
    private static DeviceRegistry Parse(string entries) => DeviceRegistry.Parse(Encoding.UTF8.GetBytes($$"""{ "devices": [ {{entries}} ] }"""), "trust.json");

    [Fact]
    public void A_gateway_attested_device_has_no_key_and_a_signed_device_is_the_default()
    {
        using var key = Ed25519PrivateKey.Generate();
        var registry = Parse(
            $$"""{ "deviceId": "masimo-1", "kind": "pulse-oximeter", "ward": "7A", "bed": "02", "trust": "gateway-attested" },""" +
            $$"""{ "deviceId": "signed-1", "kind": "pulse-oximeter", "ward": "7A", "bed": "01", "publicKey": {{OkpJsonWebKey.FormatPublic(key.PublicKey)}} }""");

        Assert.True(registry.TryGet("masimo-1", out var attested));
        Assert.Equal(DeviceTrust.GatewayAttested, attested.Trust);
        Assert.Null(attested.PublicKey);
        Assert.True(registry.TryGet("signed-1", out var signed));
        Assert.Equal(DeviceTrust.DeviceSigned, signed.Trust);
        Assert.Equal(key.PublicKey, signed.PublicKey);
    }

    [Theory]
    [InlineData("""{ "deviceId": "d", "kind": "k", "ward": "7A", "bed": "01", "trust": "trusted" }""", "member \"trust\"")]
    [InlineData("""{ "deviceId": "d", "kind": "k", "ward": "7A", "bed": "01", "trust": 1 }""", "member \"trust\"")]
    [InlineData("""{ "deviceId": "d", "kind": "k", "ward": "7A", "bed": "01", "trust": "gateway-attested", "publicKey": { "kty": "OKP" } }""", "member \"publicKey\"")]
    [InlineData("""{ "deviceId": "d", "kind": "k", "ward": "7A", "bed": "01", "trust": "device-signed" }""", "member \"publicKey\"")]
    public void A_trust_mistake_names_the_member(string entry, string expected)
    {
        var exception = Assert.Throws<InvalidDataException>(() => Parse(entry));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
