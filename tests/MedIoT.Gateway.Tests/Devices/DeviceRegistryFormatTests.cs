using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Devices;

/// <summary>
/// The registry format of docs/device-registry.md: every malformed variant is refused with an error that names its
/// member, what the specification allows is accepted, and the document's worked example is what this test builds.
/// </summary>
public sealed class DeviceRegistryFormatTests
{
    private const string Document = "docs/device-registry.md";
    private const string Command = "dotnet test tests/MedIoT.Gateway.Tests --filter DeviceRegistryFormatTests";

    /// <summary>Test-only keys: their seeds are the ASCII of these 32-character strings. Never use them on a device.</summary>
    private static readonly byte[] s_oximeterSeed = Encoding.ASCII.GetBytes("mediot-registry-example-seed-001");
    private static readonly byte[] s_monitorSeed = Encoding.ASCII.GetBytes("mediot-registry-example-seed-002");

    private static readonly string s_key = PublicJwk(s_oximeterSeed);

    private static string Entry(string deviceId = "\"ward7a-bed01-spo2\"", string kind = "\"pulse-oximeter\"", string ward = "\"7A\"", string bed = "\"01\"",
        string? publicKey = null, string extra = "") =>
        $$"""{"deviceId":{{deviceId}},"kind":{{kind}},"ward":{{ward}},"bed":{{bed}},"publicKey":{{publicKey ?? s_key}}{{extra}}}""";

    private static string Attested(string extra = "") =>
        $$"""{"deviceId":"ward7a-bed03-masimo","kind":"pulse-oximeter","ward":"7A","bed":"03","trust":"gateway-attested"{{extra}}}""";

    private static string File(params string[] entries) => $$"""{"devices":[{{string.Join(",", entries)}}]}""";

    public static TheoryData<string, string, string> MalformedVariants() => new()
    {
        // The file.
        { "not-an-object", "[]", "the file must be a JSON object with the one member \"devices\"" },
        { "devices-missing", "{}", "member \"devices\" is missing" },
        { "devices-not-an-array", """{"devices":{}}""", "member \"devices\" must be an array" },
        { "devices-null", """{"devices":null}""", "member \"devices\" must be an array" },
        { "devices-twice", """{"devices":[],"devices":[]}""", "member \"devices\" appears more than once" },
        { "unknown-file-member", """{"devices":[],"version":1}""", "member \"version\" is not a registry member" },
        { "file-member-in-another-case", """{"Devices":[]}""", "member \"Devices\" is not a registry member" },
        { "trailing-comma", File(Entry()) [..^2] + ",]}", "not well-formed JSON" },
        { "comment", """{"devices":[] /* ward 7A */}""", "not well-formed JSON" },
        { "content-after-the-object", """{"devices":[]} {}""", "not well-formed JSON" },
        { "entry-not-an-object", """{"devices":["ward7a-bed01-spo2"]}""", "entry 0 must be a JSON object" },

        // deviceId.
        { "deviceId-missing", File("""{"kind":"pulse-oximeter","ward":"7A","bed":"01"}"""), "entry 0, member \"deviceId\": is missing" },
        { "deviceId-a-number", File(Entry(deviceId: "7")), "entry 0, member \"deviceId\": must be a string" },
        { "deviceId-null", File(Entry(deviceId: "null")), "entry 0, member \"deviceId\": must be a string" },
        { "deviceId-empty", File(Entry(deviceId: "\"\"")), "entry 0, member \"deviceId\": must be 1 to 64" },
        { "deviceId-with-a-space", File(Entry(deviceId: "\"ward7a bed01\"")), "entry 0, member \"deviceId\": must be 1 to 64" },
        { "deviceId-with-a-slash", File(Entry(deviceId: "\"ward7a/bed01\"")), "entry 0, member \"deviceId\": must be 1 to 64" },
        { "deviceId-65-characters", File(Entry(deviceId: $"\"{new string('d', 65)}\"")), "entry 0, member \"deviceId\": must be 1 to 64" },
        { "deviceId-twice", File(Entry(extra: ",\"deviceId\":\"ward7a-bed09-spo2\"")), "member \"deviceId\": appears more than once" },
        { "deviceId-registered-twice", File(Entry(), Entry()), "entry 1 (\"ward7a-bed01-spo2\"), member \"deviceId\": the device id is already registered by entry 0" },

        // kind.
        { "kind-missing", File("""{"deviceId":"d","ward":"7A","bed":"01"}"""), "entry 0 (\"d\"), member \"kind\": is missing" },
        { "kind-a-number", File(Entry(kind: "1")), "member \"kind\": must be a string" },
        { "kind-upper-case", File(Entry(kind: "\"Pulse-Oximeter\"")), "member \"kind\": must be 1 to 32 of a-z 0-9 -" },
        { "kind-with-a-space", File(Entry(kind: "\"pulse oximeter\"")), "member \"kind\": must be 1 to 32 of a-z 0-9 -" },
        { "kind-33-characters", File(Entry(kind: $"\"{new string('k', 33)}\"")), "member \"kind\": must be 1 to 32 of a-z 0-9 -" },
        { "kind-empty", File(Entry(kind: "\"\"")), "member \"kind\": must be 1 to 32 of a-z 0-9 -" },
        { "kind-twice", File(Entry(extra: ",\"kind\":\"monitor\"")), "member \"kind\": appears more than once" },

        // ward and bed (the alarm engine's WardId and BedId rules).
        { "ward-missing", File("""{"deviceId":"d","kind":"k","bed":"01"}"""), "member \"ward\": is missing" },
        { "ward-a-number", File(Entry(ward: "7")), "member \"ward\": must be a string" },
        { "ward-with-a-slash", File(Entry(ward: "\"7/A\"")), "member \"ward\": must be 1 to 32 of A-Z a-z 0-9 . _ -" },
        { "ward-with-a-plus", File(Entry(ward: "\"7+\"")), "member \"ward\": must be 1 to 32 of A-Z a-z 0-9 . _ -" },
        { "ward-not-ascii", File(Entry(ward: "\"7Ä\"")), "member \"ward\": must be 1 to 32 of A-Z a-z 0-9 . _ -" },
        { "ward-33-characters", File(Entry(ward: $"\"{new string('w', 33)}\"")), "member \"ward\": must be 1 to 32 of A-Z a-z 0-9 . _ -" },
        { "ward-empty", File(Entry(ward: "\"\"")), "member \"ward\": must be 1 to 32" },
        { "ward-twice", File(Entry(extra: ",\"ward\":\"7B\"")), "member \"ward\": appears more than once" },
        { "bed-missing", File("""{"deviceId":"d","kind":"k","ward":"7A"}"""), "member \"bed\": is missing" },
        { "bed-a-number", File(Entry(bed: "1")), "member \"bed\": must be a string" },
        { "bed-with-a-space", File(Entry(bed: "\"bed 1\"")), "member \"bed\": must be 1 to 32 of A-Z a-z 0-9 . _ -" },
        { "bed-twice", File(Entry(extra: ",\"bed\":\"02\"")), "member \"bed\": appears more than once" },

        // trust.
        { "trust-a-boolean", File(Attested().Replace("\"gateway-attested\"", "true", StringComparison.Ordinal)), "member \"trust\": must be a string" },
        { "trust-null", File(Attested().Replace("\"gateway-attested\"", "null", StringComparison.Ordinal)), "member \"trust\": must be a string" },
        { "trust-unknown", File(Attested().Replace("gateway-attested", "trusted", StringComparison.Ordinal)), "member \"trust\": must be \"device-signed\" (the default) or \"gateway-attested\"" },
        { "trust-in-another-case", File(Attested().Replace("gateway-attested", "Gateway-Attested", StringComparison.Ordinal)), "member \"trust\": must be" },
        { "trust-twice", File(Attested(",\"trust\":\"device-signed\"")), "member \"trust\": appears more than once" },

        // publicKey.
        { "publicKey-missing", File("""{"deviceId":"d","kind":"k","ward":"7A","bed":"01"}"""), "member \"publicKey\": is missing" },
        { "publicKey-missing-when-device-signed", File("""{"deviceId":"d","kind":"k","ward":"7A","bed":"01","trust":"device-signed"}"""), "member \"publicKey\": is missing" },
        { "publicKey-present-when-gateway-attested", File(Attested($",\"publicKey\":{s_key}")), "member \"publicKey\": must be absent for a gateway-attested device" },
        { "publicKey-a-string", File(Entry(publicKey: $"\"{s_key.Replace("\"", "'", StringComparison.Ordinal)}\"")), "member \"publicKey\": must be an OKP JSON Web Key object" },
        { "publicKey-null", File(Entry(publicKey: "null")), "member \"publicKey\": must be an OKP JSON Web Key object" },
        { "publicKey-short-x", File(Entry(publicKey: """{"kty":"OKP","crv":"Ed25519","x":"AAAA"}""")), "member \"publicKey\": is not an Ed25519 public JWK (member 'x' is not 32 bytes)" },
        { "publicKey-with-private-d", File(Entry(publicKey: PrivateJwk(s_oximeterSeed))), "member \"publicKey\": is not an Ed25519 public JWK (a public JWK must not contain the private member 'd')" },
        { "publicKey-an-EC-key", File(Entry(publicKey: s_key.Replace("\"OKP\"", "\"EC\"", StringComparison.Ordinal))), "member \"publicKey\": is not an Ed25519 public JWK (member 'kty' is not \"OKP\")" },
        { "publicKey-X25519", File(Entry(publicKey: s_key.Replace("Ed25519", "X25519", StringComparison.Ordinal))), "member \"publicKey\": is not an Ed25519 public JWK (member 'crv' is not \"Ed25519\")" },
        { "publicKey-without-x", File(Entry(publicKey: """{"kty":"OKP","crv":"Ed25519"}""")), "member \"publicKey\": is not an Ed25519 public JWK (member 'x' is missing)" },
        { "publicKey-twice", File(Entry(extra: $",\"publicKey\":{s_key}")), "member \"publicKey\": appears more than once" },

        // revoked.
        { "revoked-a-string", File(Entry(extra: ",\"revoked\":\"false\"")), "member \"revoked\": must be true or false" },
        { "revoked-a-number", File(Entry(extra: ",\"revoked\":0")), "member \"revoked\": must be true or false" },
        { "revoked-null", File(Entry(extra: ",\"revoked\":null")), "member \"revoked\": must be true or false" },
        { "revoked-twice", File(Entry(extra: ",\"revoked\":false,\"revoked\":true")), "member \"revoked\": appears more than once" },

        // Unknown members, and the first problem in the order of the file.
        { "unknown-member", File(Entry(extra: ",\"patient\":\"Jane Doe\"")), "entry 0 (\"ward7a-bed01-spo2\"), member \"patient\": is not a registry member; an entry has only deviceId, kind, ward, bed, trust, publicKey, revoked" },
        { "member-in-another-case", File(Entry(extra: ",\"deviceID\":\"x\"")), "member \"deviceID\": is not a registry member" },
        { "unknown-member-null", File(Entry(extra: ",\"location\":null")), "member \"location\": is not a registry member" },
        { "first-problem-decides", File("""{"kind":"Pulse","deviceId":"bad id"}"""), "entry 0, member \"kind\": must be 1 to 32" },
        { "second-entry", File(Entry(), Entry(deviceId: "\"ward7a-bed02-spo2\"", bed: "\"bed 2\"")), "entry 1 (\"ward7a-bed02-spo2\"), member \"bed\"" },
    };

    [Theory]
    [MemberData(nameof(MalformedVariants))]
    public void A_malformed_registry_is_refused_with_an_error_naming_its_member(string variant, string json, string expected)
    {
        Assert.False(DeviceRegistry.TryParse(Encoding.UTF8.GetBytes(json), out var registry, out var error), variant);

        Assert.Null(registry);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(s_key[30..], error, StringComparison.Ordinal); // a key is never repeated
    }

    [Fact]
    public void Bytes_that_are_not_plain_utf8_json_are_refused_before_reading()
    {
        var good = Encoding.UTF8.GetBytes(File(Entry()));
        Assert.True(DeviceRegistry.TryParse(good, out _, out _));

        Assert.False(DeviceRegistry.TryParse([0xEF, 0xBB, 0xBF, .. good], out _, out var error));
        Assert.Contains("byte order mark", error, StringComparison.Ordinal);
        Assert.False(DeviceRegistry.TryParse([.. good[..^3], 0xFF, .. good[^3..]], out _, out error));
        Assert.Contains("not valid UTF-8", error, StringComparison.Ordinal);
        var huge = new byte[(16 * 1024 * 1024) + 1];
        Assert.False(DeviceRegistry.TryParse(huge, out _, out error));
        Assert.Contains("larger than 16777216 bytes", error, StringComparison.Ordinal);
        // Eight levels (the file, "devices", an entry, its "publicKey" and four inside the key) are read; nine are not.
        Assert.False(DeviceRegistry.TryParse("""{"devices":[{"publicKey":{"a":{"b":{"c":{"d":[]}}}}}]}"""u8, out _, out error));
        Assert.Contains("member \"publicKey\": is not an Ed25519 public JWK", error, StringComparison.Ordinal);
        Assert.False(DeviceRegistry.TryParse("""{"devices":[{"publicKey":{"a":{"b":{"c":{"d":{"e":[]}}}}}}]}"""u8, out _, out error));
        Assert.Contains("not well-formed JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_specification_allows_is_accepted()
    {
        var json = $$"""
            {
              "devices": [
                { "publicKey": {"x":"{{PublicX(s_oximeterSeed)}}","crv":"Ed25519","kty":"OKP","alg":"EdDSA","use":"sig","kid":"oximeter-1"},
                  "bed": "0\u0031", "w\u0061rd": "7\u0041", "kind": "pulse-oximeter", "deviceId": "ward7a-bed01-spo2", "trust": "device-signed", "revoked": true },
                { "deviceId": "Ward.7A_bed-02", "kind": "nibp", "ward": "ward.7A_x-1", "bed": "A", "publicKey": {{PublicJwk(s_monitorSeed)}} },
                {{Attested()}}
              ]
            }
            """;

        Assert.True(DeviceRegistry.TryParse(Encoding.UTF8.GetBytes(json), out var registry, out var error), error);

        Assert.Equal(3, registry.Count);
        Assert.True(registry.TryGet("ward7a-bed01-spo2", out var oximeter));
        Assert.Equal(("7A", "01", true, DeviceTrust.DeviceSigned), (oximeter.Location.Ward.ToString(), oximeter.Location.Bed.ToString(), oximeter.Revoked, oximeter.Trust));
        Assert.True(registry.TryGet("Ward.7A_bed-02", out var monitor));
        Assert.False(monitor.Revoked);
        Assert.False(registry.TryGet("ward.7a_bed-02", out _)); // ids are exact
        Assert.True(registry.TryGet("ward7a-bed03-masimo", out var masimo));
        Assert.Equal((DeviceTrust.GatewayAttested, (Ed25519PublicKey?)null), (masimo.Trust, masimo.PublicKey));
        Assert.True(DeviceRegistry.TryParse("""{"devices":[]}"""u8, out var empty, out _));
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public void The_shipped_example_registry_parses()
    {
        var path = Path.Combine(RepositoryLayout.Configs, "devices.example.json");

        var registry = DeviceRegistry.Load(path);

        Assert.True(registry.TryGet("ward7a-bed01-spo2", out var device));
        Assert.NotNull(device.PublicKey);
    }

    [Fact]
    public void The_worked_example_of_the_document_is_what_this_test_builds_and_it_parses()
    {
        using var oximeter = Ed25519PrivateKey.FromSeed(s_oximeterSeed);
        using var monitor = Ed25519PrivateKey.FromSeed(s_monitorSeed);
        var text = Example(oximeter.PublicKey, monitor.PublicKey);

        var problem = DocumentExamples.Check(Document, "registry", text, Command);

        Assert.True(problem is null, problem);
        Assert.True(DeviceRegistry.TryParse(Encoding.UTF8.GetBytes(text), out var registry, out var error), error);
        Assert.Equal(3, registry.Count);
        Assert.True(registry.TryGet("ward7a-bed01-spo2", out var first));
        Assert.Equal(oximeter.PublicKey, first.PublicKey);
        Assert.True(registry.TryGet("ward7a-bed02-nibp", out var second));
        Assert.Equal((monitor.PublicKey, true, "blood-pressure-monitor"), (second.PublicKey, second.Revoked, second.Kind));
        Assert.True(registry.TryGet("ward7a-bed03-masimo", out var third));
        Assert.Equal((DeviceTrust.GatewayAttested, "7A/03"), (third.Trust, third.Location.ToString()));
    }

    // The document's example, written the way System.Text.Json indents (two spaces), members in the specification's order.
    private static string Example(Ed25519PublicKey oximeter, Ed25519PublicKey monitor)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("devices");
            WriteEntry(writer, "ward7a-bed01-spo2", "pulse-oximeter", "01", oximeter, trust: null, revoked: false);
            WriteEntry(writer, "ward7a-bed02-nibp", "blood-pressure-monitor", "02", monitor, trust: null, revoked: true);
            WriteEntry(writer, "ward7a-bed03-masimo", "pulse-oximeter", "03", key: null, trust: "gateway-attested", revoked: null);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    private static void WriteEntry(Utf8JsonWriter writer, string deviceId, string kind, string bed, Ed25519PublicKey? key, string? trust, bool? revoked)
    {
        writer.WriteStartObject();
        writer.WriteString("deviceId", deviceId);
        writer.WriteString("kind", kind);
        writer.WriteString("ward", "7A");
        writer.WriteString("bed", bed);
        if (trust is not null)
        {
            writer.WriteString("trust", trust);
        }

        if (key is not null)
        {
            writer.WritePropertyName("publicKey");
            writer.WriteRawValue(OkpJsonWebKey.FormatPublic(key));
        }

        if (revoked is { } isRevoked)
        {
            writer.WriteBoolean("revoked", isRevoked);
        }

        writer.WriteEndObject();
    }

    private static string PublicJwk(byte[] seed)
    {
        using var key = Ed25519PrivateKey.FromSeed(seed);
        return OkpJsonWebKey.FormatPublic(key.PublicKey);
    }

    private static string PrivateJwk(byte[] seed)
    {
        using var key = Ed25519PrivateKey.FromSeed(seed);
        return OkpJsonWebKey.FormatPrivate(key);
    }

    private static string PublicX(byte[] seed)
    {
        using var key = Ed25519PrivateKey.FromSeed(seed);
        return Base64Url.Encode(key.PublicKey.Bytes);
    }
}
