using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Protocol.Frames;

namespace MedIoT.Ledger.Verifier;

/// <summary>Loads the public keys the verifier trusts. Errors name the file and the problem, never key material.</summary>
internal static class KeyFiles
{
    private const int MaxKeyFileBytes = 1 << 20;

    /// <summary>
    /// <paramref name="value"/> is a verifier key, or the path of a file with one verifier key per line (blank lines and
    /// lines starting with '#' ignored).
    /// </summary>
    public static bool TryLoadLogKeys(string value, [NotNullWhen(true)] out IReadOnlyCollection<NoteVerifierKey>? keys, [NotNullWhen(false)] out string? error) =>
        TryLoadKeys(value, NoteVerifierKey.TryParse, out keys, out error);

    /// <summary>
    /// Each of <paramref name="values"/> is a verifier key, or a file of them (as for a single value); the
    /// keys of all of them together.
    /// </summary>
    public static bool TryLoadLogKeys(IEnumerable<string> values, [NotNullWhen(true)] out IReadOnlyCollection<NoteVerifierKey>? keys, [NotNullWhen(false)] out string? error) =>
        TryLoadAll(values, NoteVerifierKey.TryParse, out keys, out error);

    /// <summary>
    /// Each of <paramref name="values"/> is a witness cosignature key (C2SP tlog-cosignature, type 0x04), or a file of
    /// them, one per line; the keys of all of them together.
    /// </summary>
    public static bool TryLoadWitnessKeys(IEnumerable<string> values, [NotNullWhen(true)] out IReadOnlyCollection<WitnessKey>? keys, [NotNullWhen(false)] out string? error) =>
        TryLoadAll(values, WitnessKey.TryParse, out keys, out error);

    private delegate bool KeyParser<TKey>(string? text, [NotNullWhen(true)] out TKey? key, out string? error)
        where TKey : class;

    private static bool TryLoadAll<TKey>(IEnumerable<string> values, KeyParser<TKey> parse, [NotNullWhen(true)] out IReadOnlyCollection<TKey>? keys,
        [NotNullWhen(false)] out string? error)
        where TKey : class
    {
        var all = new List<TKey>();
        foreach (var value in values)
        {
            if (!TryLoadKeys(value, parse, out var some, out error))
            {
                keys = null;
                return false;
            }

            all.AddRange(some);
        }

        keys = all;
        error = null;
        return true;
    }

    private static bool TryLoadKeys<TKey>(string value, KeyParser<TKey> parse, [NotNullWhen(true)] out IReadOnlyCollection<TKey>? keys,
        [NotNullWhen(false)] out string? error)
        where TKey : class
    {
        keys = null;
        if (parse(value.Trim(), out var single, out var keyError))
        {
            keys = [single];
            error = null;
            return true;
        }

        if (!File.Exists(value))
        {
            error = $"not a verifier key ({keyError}) and not an existing file";
            return false;
        }

        var list = new List<TKey>();
        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(value, Encoding.UTF8))
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (!parse(trimmed, out var key, out keyError))
            {
                error = $"'{value}' line {lineNumber}: {keyError}";
                return false;
            }

            list.Add(key);
        }

        if (list.Count == 0)
        {
            error = $"'{value}' holds no verifier key";
            return false;
        }

        keys = list;
        error = null;
        return true;
    }

    /// <summary>A devices.json registry (<c>{"devices":[{"deviceId":..,"publicKey":{JWK}}]}</c>) or a folder of <c>&lt;device-id&gt;.jwk</c> files.</summary>
    public static bool TryLoadDeviceKeys(string path, [NotNullWhen(true)] out IReadOnlyDictionary<string, Ed25519PublicKey>? keys, [NotNullWhen(false)] out string? error)
    {
        keys = null;
        var result = new Dictionary<string, Ed25519PublicKey>(StringComparer.Ordinal);
        try
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*.jwk").Order(StringComparer.Ordinal))
                {
                    var deviceId = Path.GetFileNameWithoutExtension(file);
                    if (!DeviceFrame.IsValidDeviceId(deviceId))
                    {
                        error = $"'{file}': the file name is not a device id";
                        return false;
                    }

                    if (!OkpJsonWebKey.TryParsePublic(ReadSmall(file), out var key, out var jwkError))
                    {
                        error = $"'{file}': {jwkError}";
                        return false;
                    }

                    result[deviceId] = key!;
                }
            }
            else if (File.Exists(path))
            {
                if (!TryReadRegistry(path, result, out error))
                {
                    return false;
                }
            }
            else
            {
                error = $"'{path}' is neither a file nor a folder";
                return false;
            }
        }
        catch (IOException exception)
        {
            error = $"cannot read '{path}': {exception.Message}";
            return false;
        }

        if (result.Count == 0)
        {
            error = $"'{path}' holds no device key";
            return false;
        }

        keys = result;
        error = null;
        return true;
    }

    private static bool TryReadRegistry(string path, Dictionary<string, Ed25519PublicKey> result, [NotNullWhen(false)] out string? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(ReadSmall(path), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            error = $"'{path}' is not valid JSON";
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("devices", out var devices)
                || devices.ValueKind != JsonValueKind.Array)
            {
                error = $"'{path}' is not an object with a \"devices\" array";
                return false;
            }

            var position = 0;
            foreach (var device in devices.EnumerateArray())
            {
                if (device.ValueKind != JsonValueKind.Object
                    || !device.TryGetProperty("deviceId", out var id) || id.ValueKind != JsonValueKind.String
                    || !DeviceFrame.IsValidDeviceId(id.GetString()!)
                    || !device.TryGetProperty("publicKey", out var jwk) || jwk.ValueKind != JsonValueKind.Object)
                {
                    error = $"'{path}' entry {position}: needs a valid \"deviceId\" and a \"publicKey\" JWK object";
                    return false;
                }

                if (!OkpJsonWebKey.TryParsePublic(Encoding.UTF8.GetBytes(jwk.GetRawText()), out var key, out var jwkError))
                {
                    error = $"'{path}' entry {position}: {jwkError}";
                    return false;
                }

                result[id.GetString()!] = key!;
                position++;
            }
        }

        error = null;
        return true;
    }

    private static byte[] ReadSmall(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxKeyFileBytes)
        {
            throw new IOException($"the file is larger than {MaxKeyFileBytes} bytes");
        }

        return File.ReadAllBytes(path);
    }
}
