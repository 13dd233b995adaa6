using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedIoT.Alerts;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Devices;

/// <summary>
/// The devices this gateway accepts frames from, loaded from the registry file (JSON):
/// <code>
/// { "devices": [ { "deviceId": "ward7a-bed01-spo2", "kind": "pulse-oximeter", "ward": "7A", "bed": "01",
///                  "publicKey": { "kty": "OKP", "crv": "Ed25519", "x": "..." }, "revoked": false },
///                { "deviceId": "ward7a-bed02-masimo", "kind": "pulse-oximeter", "ward": "7A", "bed": "02",
///                  "trust": "gateway-attested" } ] }
/// </code>
/// <c>"trust"</c> is <c>"device-signed"</c> (the default; <c>publicKey</c> required) or <c>"gateway-attested"</c>
/// (no key: a serial device the gateway vouches for; docs/serial.md).
/// The file is written by staff or by <c>mediot-sim provision</c>; a mistake in it stops the gateway at start
/// with a message naming the file, the entry and the field.
/// </summary>
public sealed partial class DeviceRegistry
{
    private readonly FrozenDictionary<string, RegisteredDevice> _devices;

    /// <summary>Creates a registry from already validated entries.</summary>
    /// <exception cref="ArgumentException">Two entries share a device id.</exception>
    public DeviceRegistry(IEnumerable<RegisteredDevice> devices)
        : this(Index(devices ?? throw new ArgumentNullException(nameof(devices)),
            (device, _) => throw new ArgumentException($"Device id '{device.DeviceId}' is registered twice.", nameof(devices))))
    {
    }

    private DeviceRegistry(Dictionary<string, RegisteredDevice> devices) => _devices = devices.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>How many devices are registered (revoked ones included).</summary>
    public int Count => _devices.Count;

    /// <summary>Every registered device (revoked ones included), in no particular order.</summary>
    public IEnumerable<RegisteredDevice> Devices => _devices.Values;

    /// <summary>Finds a device by id.</summary>
    public bool TryGet(string deviceId, [NotNullWhen(true)] out RegisteredDevice? device) =>
        _devices.TryGetValue(deviceId, out device);

    /// <summary>Loads and validates a registry file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid registry; the message names the entry and field.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static DeviceRegistry Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The device registry '{path}' does not exist. Set Gateway:DeviceRegistryPath, or create it with 'mediot-sim provision'.", path);
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses registry JSON; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a valid registry.</exception>
    public static DeviceRegistry Parse(ReadOnlySpan<byte> utf8Json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 16 });
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"Device registry '{source}' is not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("devices", out var entries)
                || entries.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"Device registry '{source}' must be an object with a \"devices\" array.");
            }

            var index = 0;
            var devices = entries.EnumerateArray().Select(entry => ParseEntry(entry, source, index++)).ToList();
            return new DeviceRegistry(Index(devices, (device, position) => throw new InvalidDataException(
                $"Device registry '{source}', entry {position}: device id '{device.DeviceId}' is registered twice.")));
        }
    }

    private static Dictionary<string, RegisteredDevice> Index(IEnumerable<RegisteredDevice> devices, Action<RegisteredDevice, int> onDuplicate)
    {
        var byId = new Dictionary<string, RegisteredDevice>(StringComparer.Ordinal);
        var position = 0;
        foreach (var device in devices)
        {
            if (!byId.TryAdd(device.DeviceId, device))
            {
                onDuplicate(device, position);
            }

            position++;
        }

        return byId;
    }

    private static RegisteredDevice ParseEntry(JsonElement entry, string source, int index)
    {
        string Fail(string field, string problem) =>
            throw new InvalidDataException($"Device registry '{source}', entry {index}, field \"{field}\": {problem}");

        if (entry.ValueKind != JsonValueKind.Object)
        {
            Fail("(entry)", "must be a JSON object.");
        }

        string RequiredString(string field, Func<string, bool> isValid, string rule)
        {
            if (!entry.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
            {
                return Fail(field, "is required and must be a string.");
            }

            var text = value.GetString()!;
            return isValid(text) ? text : Fail(field, rule);
        }

        var deviceId = RequiredString("deviceId", text => DeviceFrame.IsValidDeviceId(text), $"must be 1–{DeviceFrame.MaxDeviceIdLength} of A–Z a–z 0–9 . _ -.");
        var kind = RequiredString("kind", text => LabelPattern().IsMatch(text), "must be 1–32 of a–z 0–9 and -.");
        const string PlaceRule = "must be 1–32 of A–Z a–z 0–9 . _ -.";
        WardId.TryCreate(RequiredString("ward", text => WardId.TryCreate(text, out _), PlaceRule), out var ward);
        BedId.TryCreate(RequiredString("bed", text => BedId.TryCreate(text, out _), PlaceRule), out var bed);
        var trust = DeviceTrust.DeviceSigned;
        if (entry.TryGetProperty("trust", out var trustElement))
        {
            var text = trustElement.ValueKind == JsonValueKind.String ? trustElement.GetString() : null;
            if (text is not ("device-signed" or "gateway-attested"))
            {
                Fail("trust", "must be \"device-signed\" (the default) or \"gateway-attested\".");
            }

            trust = text == "gateway-attested" ? DeviceTrust.GatewayAttested : DeviceTrust.DeviceSigned;
        }

        MedIoT.Cryptography.Ed25519PublicKey? publicKey = null;
        var hasKey = entry.TryGetProperty("publicKey", out var jwk);
        if (trust == DeviceTrust.GatewayAttested)
        {
            if (hasKey)
            {
                Fail("publicKey", "must be absent for a gateway-attested device (the gateway signs its readings with its own key).");
            }
        }
        else
        {
            if (!hasKey || jwk.ValueKind != JsonValueKind.Object)
            {
                Fail("publicKey", "is required and must be an OKP JSON Web Key (RFC 8037).");
            }

            if (!OkpJsonWebKey.TryParsePublic(JsonSerializer.SerializeToUtf8Bytes(jwk), out publicKey, out var keyError))
            {
                Fail("publicKey", $"is not a valid Ed25519 public JWK ({keyError}).");
            }
        }

        var revoked = false;
        if (entry.TryGetProperty("revoked", out var revokedElement))
        {
            if (revokedElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Fail("revoked", "must be true or false.");
            }

            revoked = revokedElement.GetBoolean();
        }

        return new RegisteredDevice(deviceId, kind, new BedLocation(ward, bed), publicKey, revoked, trust);
    }

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex LabelPattern();
}
