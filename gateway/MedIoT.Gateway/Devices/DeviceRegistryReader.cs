using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using MedIoT.Alerts;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Devices;

/// <summary>
/// Reads a device registry file strictly (docs/device-registry.md): one pass of <see cref="Utf8JsonReader"/>, members
/// checked in the order they appear, unknown and repeated members refused, then the missing ones. Every error names the
/// member (and the entry, counted from 0) and never repeats a key.
/// </summary>
internal static class DeviceRegistryReader
{
    /// <summary>The largest registry file read, in bytes (16 MiB: tens of thousands of devices).</summary>
    internal const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>The longest <c>kind</c>, in characters.</summary>
    internal const int MaxKindLength = 32;

    /// <summary>The value <c>"device-signed"</c> of member <c>trust</c> (the default).</summary>
    internal const string DeviceSigned = "device-signed";

    /// <summary>The value <c>"gateway-attested"</c> of member <c>trust</c>.</summary>
    internal const string GatewayAttested = "gateway-attested";

    // The file, "devices", an entry, "publicKey", and room for members of the JWK that RFC 7517 §4 says to ignore.
    private const int MaxDepth = 8;

    private const string Members = "deviceId, kind, ward, bed, trust, publicKey, revoked";

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    // WardId.TryCreate and BedId.TryCreate.
    private delegate bool PlaceFactory<TPlace>([NotNullWhen(true)] string? name, out TPlace place);

    /// <summary>Reads the registry's entries. Never throws for any input.</summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out List<RegisteredDevice>? devices, [NotNullWhen(false)] out string? error)
    {
        devices = null;
        if (utf8Json.Length > MaxFileBytes)
        {
            error = $"the file is larger than {MaxFileBytes} bytes";
            return false;
        }

        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            error = "the file starts with a byte order mark; save it as UTF-8 without one (RFC 8259 §8.1)";
            return false;
        }

        if (!Utf8.IsValid(utf8Json))
        {
            error = "the file is not valid UTF-8";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            return TryReadFile(ref reader, utf8Json, out devices, out error);
        }
        catch (JsonException exception)
        {
            // The reader's message says what it expected and where (line and byte, counted from 0); the file holds no secret.
            devices = null;
            error = $"the file is not well-formed JSON: {exception.Message}";
            return false;
        }
    }

    private static bool TryReadFile(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out List<RegisteredDevice>? devices, out string? error)
    {
        devices = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail("the file must be a JSON object with the one member \"devices\"", out error);
        }

        List<RegisteredDevice>? entries = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("devices"u8))
            {
                return Fail($"member \"{Name(ref reader)}\" is not a registry member; the file has only \"devices\"", out error);
            }

            if (entries is not null)
            {
                return Fail("member \"devices\" appears more than once", out error);
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return Fail("member \"devices\" must be an array of device entries", out error);
            }

            entries = [];
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = entries.Count;
                if (!TryReadEntry(ref reader, json, index, out var device, out error))
                {
                    return false;
                }

                // Device ids are compared exactly, as the gateway compares a frame's kid (docs/device-protocol.md §1).
                if (!ids.TryAdd(device.DeviceId, index))
                {
                    return Fail($"entry {index} (\"{device.DeviceId}\"), member \"deviceId\": the device id is already registered by entry {ids[device.DeviceId]}", out error);
                }

                entries.Add(device);
            }
        }

        if (reader.Read())
        {
            return Fail("the file has content after its object", out error);
        }

        if (entries is null)
        {
            return Fail("member \"devices\" is missing", out error);
        }

        devices = entries;
        error = null;
        return true;
    }

    private static bool TryReadEntry(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int index, [NotNullWhen(true)] out RegisteredDevice? device,
        [NotNullWhen(false)] out string? error)
    {
        device = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail($"entry {index} must be a JSON object", out error);
        }

        string? deviceId = null, kind = null, trust = null;
        WardId? ward = null;
        BedId? bed = null;
        Ed25519PublicKey? publicKey = null;
        bool? revoked = null;
        string Where(string member) => deviceId is null ? $"entry {index}, member \"{member}\"" : $"entry {index} (\"{deviceId}\"), member \"{member}\"";

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("deviceId"u8))
            {
                if (!TryReadString(ref reader, deviceId, "deviceId", Where, out var text, out error))
                {
                    return false;
                }

                if (!DeviceFrame.IsValidDeviceId(text))
                {
                    return Fail($"{Where("deviceId")}: must be 1 to {DeviceFrame.MaxDeviceIdLength} of A-Z a-z 0-9 . _ - (docs/device-protocol.md §1)", out error);
                }

                deviceId = text;
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                if (!TryReadString(ref reader, kind, "kind", Where, out var text, out error))
                {
                    return false;
                }

                if (!IsValidKind(text))
                {
                    return Fail($"{Where("kind")}: must be 1 to {MaxKindLength} of a-z 0-9 -", out error);
                }

                kind = text;
            }
            else if (reader.ValueTextEquals("ward"u8))
            {
                if (!TryReadPlace<WardId>(ref reader, ward?.ToString(), "ward", WardId.MaxLength, WardId.TryCreate, Where, out var wardId, out error))
                {
                    return false;
                }

                ward = wardId;
            }
            else if (reader.ValueTextEquals("bed"u8))
            {
                if (!TryReadPlace<BedId>(ref reader, bed?.ToString(), "bed", BedId.MaxLength, BedId.TryCreate, Where, out var bedId, out error))
                {
                    return false;
                }

                bed = bedId;
            }
            else if (reader.ValueTextEquals("trust"u8))
            {
                if (!TryReadString(ref reader, trust, "trust", Where, out var text, out error))
                {
                    return false;
                }

                if (text is not (DeviceSigned or GatewayAttested))
                {
                    return Fail($"{Where("trust")}: must be \"{DeviceSigned}\" (the default) or \"{GatewayAttested}\"", out error);
                }

                trust = text;
            }
            else if (reader.ValueTextEquals("publicKey"u8))
            {
                // A key that did not parse has already ended the read, so a key seen before is one that parsed.
                if (publicKey is not null)
                {
                    return Fail($"{Where("publicKey")}: appears more than once", out error);
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return Fail($"{Where("publicKey")}: must be an OKP JSON Web Key object (RFC 8037 §2)", out error);
                }

                // The JWK's own rules (RFC 8037 §2, RFC 7517 §4) are OkpJsonWebKey's: it reads the object's bytes as they are.
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                if (!OkpJsonWebKey.TryParsePublic(json[start..(int)reader.BytesConsumed], out publicKey, out var keyError))
                {
                    return Fail($"{Where("publicKey")}: is not an Ed25519 public JWK ({keyError})", out error);
                }
            }
            else if (reader.ValueTextEquals("revoked"u8))
            {
                if (revoked is not null)
                {
                    return Fail($"{Where("revoked")}: appears more than once", out error);
                }

                reader.Read();
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return Fail($"{Where("revoked")}: must be true or false", out error);
                }

                revoked = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                return Fail($"{Where(Name(ref reader))}: is not a registry member; an entry has only {Members}", out error);
            }
        }

        var missing = deviceId is null ? "deviceId" : kind is null ? "kind" : ward is null ? "ward" : bed is null ? "bed" : null;
        if (missing is not null)
        {
            return Fail($"{Where(missing)}: is missing", out error);
        }

        var deviceTrust = trust == GatewayAttested ? DeviceTrust.GatewayAttested : DeviceTrust.DeviceSigned;
        if (deviceTrust == DeviceTrust.GatewayAttested && publicKey is not null)
        {
            return Fail($"{Where("publicKey")}: must be absent for a gateway-attested device (the gateway signs its readings with its own key)", out error);
        }

        if (deviceTrust == DeviceTrust.DeviceSigned && publicKey is null)
        {
            return Fail($"{Where("publicKey")}: is missing; a device-signed device needs its public key", out error);
        }

        device = new RegisteredDevice(deviceId!, kind!, new BedLocation(ward!.Value, bed!.Value), publicKey, revoked ?? false, deviceTrust);
        error = null;
        return true;
    }

    /// <summary>True for 1 to <see cref="MaxKindLength"/> of <c>a-z 0-9 -</c>.</summary>
    internal static bool IsValidKind(string? kind) =>
        kind is { Length: > 0 and <= MaxKindLength } && kind.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    // Reads the string value of the member at the reader; seen is its earlier value (a second occurrence is refused).
    private static bool TryReadString(ref Utf8JsonReader reader, string? seen, string member, Func<string, string> where,
        [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out string? error)
    {
        text = null;
        if (seen is not null)
        {
            return Fail($"{where(member)}: appears more than once", out error);
        }

        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            return Fail($"{where(member)}: must be a string", out error);
        }

        try
        {
            // Escapes are undone first (RFC 8259 §7): "7\u0041" is the ward 7A.
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\uD800") is not a Unicode string.
            return Fail($"{where(member)}: is not a valid Unicode string", out error);
        }

        error = null;
        return true;
    }

    // Reads a ward or bed: a string by the alarm engine's rule for places (docs/alerts.md, "Places").
    private static bool TryReadPlace<TPlace>(ref Utf8JsonReader reader, string? seen, string member, int maxLength, PlaceFactory<TPlace> create,
        Func<string, string> where, out TPlace place, [NotNullWhen(false)] out string? error)
        where TPlace : struct
    {
        place = default;
        if (!TryReadString(ref reader, seen, member, where, out var text, out error))
        {
            return false;
        }

        return create(text, out place)
            || Fail($"{where(member)}: must be 1 to {maxLength} of A-Z a-z 0-9 . _ - (docs/alerts.md, \"Places\")", out error);
    }

    // The member name at the reader, as written in the file (escapes kept) and shortened: enough to find it, never a value.
    private static string Name(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        var shown = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 64)]);
        return raw.Length > 64 ? shown + "…" : shown;
    }

    private static bool Fail(string message, [NotNull] out string? error)
    {
        error = message;
        return false;
    }
}
