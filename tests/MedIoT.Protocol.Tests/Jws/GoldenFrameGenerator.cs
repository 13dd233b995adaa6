using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using static MedIoT.Protocol.Tests.TestSupport;

namespace MedIoT.Protocol.Tests.Jws;

/// <summary>
/// Rebuilds the golden files of GoldenFrames/ from their definitions and checks that the checked-in files are
/// exactly what the definitions give, so the data and the code that explains it cannot drift apart. On a deliberate
/// change of the contract, rewrite them with
/// <c>MEDIOT_WRITE_GOLDEN=1 dotnet test tests/MedIoT.Protocol.Tests --filter GoldenFrameGenerator</c> and review the diff.
/// </summary>
public sealed class GoldenFrameGenerator
{
    /// <summary>Test-only seed: the ASCII of "mediot-golden-frames-test-seed-1". Never use it on a device.</summary>
    internal static readonly byte[] GoldenSeed = Encoding.ASCII.GetBytes("mediot-golden-frames-test-seed-1");

    internal const string Spo2Payload =
        """{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}]}""";

    /// <summary>The wire names of docs/device-protocol.md §3, written out here so a change of the table shows in the golden files.</summary>
    private static readonly string[] s_everyStatusName =
    [
        "no-sensor", "defective-sensor", "sensor-off", "unrecognised-sensor", "no-cable", "low-perfusion", "low-signal-quality",
        "pulse-search", "interference", "low-battery", "alarm-silenced",
    ];

    internal static IEnumerable<(string Name, string Payload)> GoodPayloads()
    {
        yield return ("contract-example-spo2", Spo2Payload);
        yield return ("nibp-three-observations-seq-0",
            """{"v":1,"device":"ward7-bed02-nibp","seq":0,"obs":[{"code":150021,"value":121,"unit":"mm[Hg]","time":"2026-11-21T13:00:05Z"},{"code":150022,"value":79,"unit":"mm[Hg]","time":"2026-11-21T13:00:05Z"},{"code":150023,"value":93,"unit":"mm[Hg]","time":"2026-11-21T13:00:05Z"}]}""");
        yield return ("monitor-max-seq-nanoseconds",
            """{"v":1,"device":"ward7-bed03-monitor","seq":9007199254740991,"obs":[{"code":147842,"value":72,"unit":"/min","time":"2026-11-21T13:00:10.000000001Z"},{"code":151562,"value":16,"unit":"/min","time":"2026-11-21T13:00:10.5Z"},{"code":150364,"value":36.6,"unit":"Cel","time":"2026-11-21T13:00:10.999999999Z"},{"code":149530,"value":71,"unit":"/min","time":"2026-11-21T13:00:11Z"}]}""");
        yield return ("status-sensor-off-without-observations",
            """{"v":1,"device":"ward7-bed01-spo2","seq":43,"status":["sensor-off"],"obs":[]}""");
        yield return ("status-low-perfusion-and-low-signal-with-reading",
            """{"v":1,"device":"ward7-bed01-spo2","seq":44,"status":["low-perfusion","low-signal-quality"],"obs":[{"code":150456,"value":93,"unit":"%","time":"2026-11-21T13:00:02Z"}]}""");
        yield return ("status-cleared-without-observations",
            """{"v":1,"device":"ward7-bed01-spo2","seq":46,"status":[],"obs":[]}""");
        yield return ("status-none-reported-with-reading",
            """{"v":1,"device":"ward7-bed01-spo2","seq":45,"status":[],"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:03Z"}]}""");
    }

    [Fact]
    public void The_checked_in_golden_files_are_exactly_what_their_definitions_generate()
    {
        var rewrite = Environment.GetEnvironmentVariable("MEDIOT_WRITE_GOLDEN") == "1";
        var directory = rewrite ? SourceGoldenDirectory() : Directory.CreateTempSubdirectory("mediot-golden-").FullName;
        try
        {
            Generate(directory);
            foreach (var name in new[] { "golden-device-key.jwk", "good-frames.json", "bad-frames.json" })
            {
                Assert.Equal(File.ReadAllText(Path.Combine(GoldenDirectory, name)), File.ReadAllText(Path.Combine(directory, name)));
            }
        }
        finally
        {
            if (!rewrite)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static void Generate(string directory)
    {
        using var key = Ed25519PrivateKey.FromSeed(GoldenSeed);
        using var otherKey = Ed25519PrivateKey.FromSeed(Encoding.ASCII.GetBytes("mediot-golden-frames-other-key-2"));
        File.WriteAllText(Path.Combine(directory, "golden-device-key.jwk"), OkpJsonWebKey.FormatPrivate(key) + "\n");

        var good = new List<object>();
        foreach (var (name, payload) in GoodPayloads())
        {
            Assert.True(DeviceFrameJson.TryParse(Encoding.UTF8.GetBytes(payload), out var frame, out _, out var detail), detail);
            good.Add(new { name, payload, token = Encoding.ASCII.GetString(JwsFrameEncoder.Encode(frame, key)) });
        }

        var rejected = new List<object>();
        var accepted = new List<object>();
        void Reject(string name, string token, FrameRejectionReason reason, int? maxTokenBytes = null) =>
            rejected.Add(maxTokenBytes is null ? new { name, token, reason = reason.ToString() } : (object)new { name, token, reason = reason.ToString(), maxTokenBytes });

        const string Header = """{"alg":"EdDSA","kid":"ward7-bed01-spo2"}""";
        string Signed(string payload) => SignRaw(Header, payload, key);
        string WithPayload(string payload, string header = Header) => SignRaw(header, payload, key);
        string Obs(string observation) => $$"""{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":[{{observation}}]}""";
        const string GoodObservation = """{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""";

        var golden = Encoding.ASCII.GetString(JwsFrameEncoder.Encode(Parse(Spo2Payload), key));
        var parts = golden.Split('.');
        var hs256 = Base64Url.Encode("""{"alg":"HS256","kid":"ward7-bed01-spo2"}"""u8) + "." + parts[1] + "." +
            Base64Url.Encode(System.Security.Cryptography.HMACSHA256.HashData(new byte[32], Encoding.ASCII.GetBytes("x")));
        var none = Base64Url.Encode("""{"alg":"none","kid":"ward7-bed01-spo2"}"""u8) + "." + parts[1];

        // Shape and size.
        Reject("oversize-for-a-100-byte-limit", golden, FrameRejectionReason.Oversize, 100);
        Reject("two-parts", parts[0] + "." + parts[1], FrameRejectionReason.NotCompactJws);
        Reject("four-parts", golden + "." + parts[2], FrameRejectionReason.NotCompactJws);
        Reject("one-part", parts[1], FrameRejectionReason.NotCompactJws);
        Reject("empty-payload-part", parts[0] + ".." + parts[2], FrameRejectionReason.NotCompactJws);
        Reject("empty-signature-part", parts[0] + "." + parts[1] + ".", FrameRejectionReason.NotCompactJws);
        Reject("alg-none-without-signature", none + ".", FrameRejectionReason.NotCompactJws);
        Reject("base64-standard-alphabet", parts[0] + "." + parts[1] + "." + parts[2].Replace('-', '+').Replace('_', '/') + "+/", FrameRejectionReason.NotCompactJws);
        Reject("base64-padding", golden + "==", FrameRejectionReason.NotCompactJws);
        Reject("trailing-newline", golden + "\n", FrameRejectionReason.NotCompactJws);
        Reject("trailing-crlf", golden + "\r\n", FrameRejectionReason.NotCompactJws);
        Reject("leading-space", " " + golden, FrameRejectionReason.NotCompactJws);
        Reject("json-serialisation-not-compact", $$"""{"protected":"{{parts[0]}}","payload":"{{parts[1]}}","signature":"{{parts[2]}}"}""", FrameRejectionReason.NotCompactJws);
        Reject("non-canonical-trailing-bits", parts[0] + "." + parts[1] + "." + parts[2][..^1] + (char)(parts[2][^1] + 1), FrameRejectionReason.NotCompactJws);

        // Header.
        Reject("alg-none-with-signature", none + "." + parts[2], FrameRejectionReason.UnsupportedAlgorithm);
        Reject("alg-HS256", hs256, FrameRejectionReason.UnsupportedAlgorithm);
        Reject("alg-lower-case-eddsa", SignRaw("""{"alg":"eddsa","kid":"ward7-bed01-spo2"}""", Spo2Payload, key), FrameRejectionReason.UnsupportedAlgorithm);
        Reject("alg-Ed25519-fully-specified", SignRaw("""{"alg":"Ed25519","kid":"ward7-bed01-spo2"}""", Spo2Payload, key), FrameRejectionReason.UnsupportedAlgorithm);
        Reject("alg-ES256", SignRaw("""{"alg":"ES256","kid":"ward7-bed01-spo2"}""", Spo2Payload, key), FrameRejectionReason.UnsupportedAlgorithm);
        Reject("crit-header", SignRaw("""{"alg":"EdDSA","kid":"ward7-bed01-spo2","crit":["exp"],"exp":1}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("b64-false-header", SignRaw("""{"alg":"EdDSA","kid":"ward7-bed01-spo2","b64":false,"crit":["b64"]}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("embedded-jwk-header", SignRaw($$"""{"alg":"EdDSA","kid":"ward7-bed01-spo2","jwk":{{OkpJsonWebKey.FormatPublic(key.PublicKey)}}}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("missing-kid", SignRaw("""{"alg":"EdDSA"}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("missing-alg", SignRaw("""{"kid":"ward7-bed01-spo2"}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("kid-with-slash", SignRaw("""{"alg":"EdDSA","kid":"ward7/bed01"}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("kid-with-mqtt-wildcard", SignRaw("""{"alg":"EdDSA","kid":"ward7-+"}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("kid-not-a-string", SignRaw("""{"alg":"EdDSA","kid":7}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("duplicate-alg", SignRaw("""{"alg":"none","alg":"EdDSA","kid":"ward7-bed01-spo2"}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("typ-JWT", SignRaw("""{"alg":"EdDSA","kid":"ward7-bed01-spo2","typ":"JWT"}""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("header-not-json", SignRaw("""alg=EdDSA""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);
        Reject("header-json-array", SignRaw("""["EdDSA"]""", Spo2Payload, key), FrameRejectionReason.MalformedHeader);

        // Signature.
        var tamperedPayload = Spo2Payload.Replace("\"value\":97", "\"value\":99", StringComparison.Ordinal);
        Reject("tampered-payload", parts[0] + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(tamperedPayload)) + "." + parts[2], FrameRejectionReason.BadSignature);
        var signature = Convert.FromBase64String(parts[2].Replace('-', '+').Replace('_', '/') + "==");
        signature[10] ^= 0x01;
        Reject("tampered-signature", parts[0] + "." + parts[1] + "." + Base64Url.Encode(signature), FrameRejectionReason.BadSignature);
        Reject("signed-by-another-key", SignRaw(Header, Spo2Payload, otherKey), FrameRejectionReason.BadSignature);
        Reject("signature-63-bytes", parts[0] + "." + parts[1] + "." + Base64Url.Encode(signature.AsSpan(0, 63)), FrameRejectionReason.BadSignature);
        Reject("tampered-header-typ-added", Base64Url.Encode("""{"alg":"EdDSA","kid":"ward7-bed01-spo2","typ":"mediot-frame"}"""u8) + "." + parts[1] + "." + parts[2], FrameRejectionReason.BadSignature);

        // Payload: validly signed, but not a valid frame.
        Reject("payload-not-json", Signed("value=97"), FrameRejectionReason.MalformedPayload);
        Reject("payload-json-array", Signed("""[1,"ward7-bed01-spo2",42]"""), FrameRejectionReason.MalformedPayload);
        Reject("payload-not-utf8", SignRaw(Header, [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], key), FrameRejectionReason.MalformedPayload);
        Reject("payload-trailing-content", Signed(Spo2Payload + " {}"), FrameRejectionReason.MalformedPayload);
        Reject("payload-comment", Signed("/* hi */" + Spo2Payload), FrameRejectionReason.MalformedPayload);
        Reject("unknown-property", Signed(Spo2Payload.Replace("\"seq\":42,", "\"seq\":42,\"patient\":\"x\",", StringComparison.Ordinal)), FrameRejectionReason.MalformedPayload);
        Reject("unknown-observation-property", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z","quality":1}""")), FrameRejectionReason.MalformedPayload);
        Reject("duplicate-seq", Signed(Spo2Payload.Replace("\"seq\":42,", "\"seq\":42,\"seq\":43,", StringComparison.Ordinal)), FrameRejectionReason.MalformedPayload);
        Reject("duplicate-value", Signed(Obs("""{"code":150456,"value":97,"value":50,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.MalformedPayload);
        Reject("missing-seq", Signed(Spo2Payload.Replace("\"seq\":42,", "", StringComparison.Ordinal)), FrameRejectionReason.MalformedPayload);
        Reject("missing-v", Signed(Spo2Payload.Replace("\"v\":1,", "", StringComparison.Ordinal)), FrameRejectionReason.MalformedPayload);
        Reject("missing-time", Signed(Obs("""{"code":150456,"value":97,"unit":"%"}""")), FrameRejectionReason.MalformedPayload);
        Reject("seq-as-string", Signed(Spo2Payload.Replace("\"seq\":42", "\"seq\":\"42\"", StringComparison.Ordinal)), FrameRejectionReason.MalformedPayload);
        Reject("value-NaN-string", Signed(Obs("""{"code":150456,"value":"NaN","unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.MalformedPayload);
        Reject("value-NaN-literal", Signed(Obs("""{"code":150456,"value":NaN,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.MalformedPayload);
        Reject("value-Infinity-literal", Signed(Obs("""{"code":150456,"value":Infinity,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.MalformedPayload);
        Reject("value-null", Signed(Obs("""{"code":150456,"value":null,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.MalformedPayload);
        Reject("obs-not-array", Signed("""{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":{"code":150456}}"""), FrameRejectionReason.MalformedPayload);
        Reject("value-overflows-double", Signed(Obs("""{"code":150456,"value":1e999,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("version-2", Signed(Spo2Payload.Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        Reject("version-1.0", Signed(Spo2Payload.Replace("\"v\":1", "\"v\":1.0", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        Reject("negative-seq", Signed(Spo2Payload.Replace("\"seq\":42", "\"seq\":-1", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        Reject("seq-2-pow-53", Signed(Spo2Payload.Replace("\"seq\":42", "\"seq\":9007199254740992", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        Reject("seq-fraction", Signed(Spo2Payload.Replace("\"seq\":42", "\"seq\":42.5", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        Reject("seq-exponent", Signed(Spo2Payload.Replace("\"seq\":42", "\"seq\":4.2e1", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        // Number forms (docs/device-protocol.md §3, "Numbers"): a well-formed number in a form its member does not allow is
        // InvalidFrame; text that is not a JSON number, or a number in a string, is MalformedPayload.
        string Number(string member, string text) => Signed(member == "value"
            ? Obs($$"""{"code":150456,"value":{{text}},"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")
            : member == "code"
                ? Obs($$"""{"code":{{text}},"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")
                : Spo2Payload.Replace(member == "v" ? "\"v\":1" : "\"seq\":42", $"\"{member}\":{text}", StringComparison.Ordinal));
        Reject("version-1e0", Number("v", "1e0"), FrameRejectionReason.InvalidFrame);
        Reject("version-10e-1", Number("v", "10e-1"), FrameRejectionReason.InvalidFrame);
        Reject("version-minus-1", Number("v", "-1"), FrameRejectionReason.InvalidFrame);
        Reject("version-as-string", Number("v", "\"1\""), FrameRejectionReason.MalformedPayload);
        Reject("version-leading-zero", Number("v", "01"), FrameRejectionReason.MalformedPayload);
        Reject("seq-minus-zero", Number("seq", "-0"), FrameRejectionReason.InvalidFrame);
        Reject("seq-whole-fraction", Number("seq", "42.0"), FrameRejectionReason.InvalidFrame);
        Reject("seq-leading-plus", Number("seq", "+42"), FrameRejectionReason.MalformedPayload);
        Reject("code-fraction", Number("code", "150456.0"), FrameRejectionReason.InvalidFrame);
        Reject("code-exponent", Number("code", "1.50456e5"), FrameRejectionReason.InvalidFrame);
        Reject("value-leading-plus", Number("value", "+97"), FrameRejectionReason.MalformedPayload);
        Reject("value-leading-dot", Number("value", ".5"), FrameRejectionReason.MalformedPayload);
        Reject("value-trailing-dot", Number("value", "97."), FrameRejectionReason.MalformedPayload);
        Reject("value-leading-zero", Number("value", "097"), FrameRejectionReason.MalformedPayload);
        Reject("value-hexadecimal", Number("value", "0x61"), FrameRejectionReason.MalformedPayload);
        Reject("device-invalid-id", WithPayload(Spo2Payload.Replace("ward7-bed01-spo2", "ward7 bed01", StringComparison.Ordinal)), FrameRejectionReason.InvalidFrame);
        Reject("obs-empty", Signed("""{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":[]}"""), FrameRejectionReason.InvalidFrame);
        Reject("obs-65-items", Signed(Obs(string.Join(",", Enumerable.Repeat(GoodObservation, 65)))), FrameRejectionReason.InvalidFrame);
        Reject("time-without-Z", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123"}""")), FrameRejectionReason.InvalidFrame);
        Reject("time-with-offset", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"2026-11-21T14:00:00.123+01:00"}""")), FrameRejectionReason.InvalidFrame);
        Reject("time-leap-second", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"2016-12-31T23:59:60Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("time-february-30", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"2026-02-30T13:00:00Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("time-ten-fraction-digits", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.1234567890Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("time-before-1970", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":"1969-12-31T23:59:59Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("time-unix-number", Signed(Obs("""{"code":150456,"value":97,"unit":"%","time":1795266000}""")), FrameRejectionReason.MalformedPayload);
        Reject("unit-mismatch", Signed(Obs("""{"code":150456,"value":97,"unit":"/min","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("unit-mmHg-spelling", Signed(Obs("""{"code":150021,"value":120,"unit":"mmHg","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("unknown-code", Signed(Obs("""{"code":12345,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("code-zero", Signed(Obs("""{"code":0,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.InvalidFrame);
        Reject("code-negative", Signed(Obs("""{"code":-150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")), FrameRejectionReason.InvalidFrame);

        // Device status (docs/device-protocol.md §3).
        string WithStatus(string status, string observations = GoodObservation) =>
            Signed($$"""{"v":1,"device":"ward7-bed01-spo2","seq":42,"status":{{status}},"obs":[{{observations}}]}""");
        Reject("status-not-an-array", WithStatus("\"sensor-off\""), FrameRejectionReason.MalformedPayload);
        Reject("status-null", WithStatus("null"), FrameRejectionReason.MalformedPayload);
        Reject("status-item-a-number", WithStatus("[4]"), FrameRejectionReason.MalformedPayload);
        Reject("status-item-an-object", WithStatus("""[{"name":"sensor-off"}]"""), FrameRejectionReason.MalformedPayload);
        Reject("status-duplicate-member", Signed("""{"v":1,"device":"ward7-bed01-spo2","seq":42,"status":[],"status":["sensor-off"],"obs":[]}"""), FrameRejectionReason.MalformedPayload);
        Reject("status-unknown-name", WithStatus("""["sensor-of"]"""), FrameRejectionReason.InvalidFrame);
        Reject("status-csharp-member-name", WithStatus("""["SensorOff"]"""), FrameRejectionReason.InvalidFrame);
        Reject("status-upper-case", WithStatus("""["SENSOR-OFF"]"""), FrameRejectionReason.InvalidFrame);
        Reject("status-long-name", WithStatus($$"""["{{new string('x', 200)}}"]"""), FrameRejectionReason.InvalidFrame);
        Reject("status-duplicate-name", WithStatus("""["sensor-off","low-battery","sensor-off"]"""), FrameRejectionReason.InvalidFrame);
        Reject("status-12-items", WithStatus("[" + string.Join(",", s_everyStatusName.Append("sensor-off").Select(name => $"\"{name}\"")) + "]"), FrameRejectionReason.InvalidFrame);

        // Identity.
        Reject("kid-device-mismatch", SignRaw("""{"alg":"EdDSA","kid":"ward7-bed09-spo2"}""", Spo2Payload, key), FrameRejectionReason.KeyIdMismatch);

        // Variants a vendor's JOSE library may produce, all accepted.
        void Accept(string name, string token) => accepted.Add(new { name, token });
        Accept("typ-mediot-frame", SignRaw("""{"alg":"EdDSA","kid":"ward7-bed01-spo2","typ":"mediot-frame"}""", Spo2Payload, key));
        Accept("header-kid-first-with-spaces", SignRaw("""{ "kid": "ward7-bed01-spo2", "alg": "EdDSA" }""", Spo2Payload, key));
        Accept("payload-reordered-and-indented", Signed("""
            {
              "obs": [ { "time": "2026-11-21T13:00:00.123000000Z", "unit": "%", "value": 97.0, "code": 150456 } ],
              "seq": 42,
              "device": "ward7-bed01-spo2",
              "v": 1
            }
            """));
        Accept("unit-escaped-slash", Signed(Obs("""{"code":147842,"value":72,"unit":"\/min","time":"2026-11-21T13:00:00Z"}""")));
        Accept("status-after-obs-escaped-and-unordered", Signed(
            """{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":[],"status":["low-battery","\u0073ensor-off"]}"""));
        Accept("status-every-name-in-reverse", WithStatus("[" + string.Join(",", s_everyStatusName.Reverse().Select(name => $"\"{name}\"")) + "]"));
        Accept("value-negative-fraction", Signed(Obs("""{"code":150456,"value":-0.5,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")));
        Accept("value-underflows-to-zero", Signed(Obs("""{"code":150456,"value":1e-400,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")));
        Accept("value-exponent", Signed(Obs("""{"code":150456,"value":9.7E1,"unit":"%","time":"2026-11-21T13:00:00.123Z"}""")));

        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(Path.Combine(directory, "good-frames.json"), JsonSerializer.Serialize(good, options) + "\n");
        File.WriteAllText(Path.Combine(directory, "bad-frames.json"),
            JsonSerializer.Serialize(new { publicKey = OkpJsonWebKey.FormatPublic(key.PublicKey), rejected, accepted }, options) + "\n");
    }

    private static DeviceFrame Parse(string payload)
    {
        Assert.True(DeviceFrameJson.TryParse(Encoding.UTF8.GetBytes(payload), out var frame, out _, out _));
        return frame;
    }
}
