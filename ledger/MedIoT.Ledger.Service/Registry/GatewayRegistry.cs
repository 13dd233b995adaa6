using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Service.Registry;

/// <summary>
/// The gateways allowed to anchor: origin to the note verifier key of the gateway's checkpoints. Read once at start
/// from a JSON file <c>{"gateways":[{"origin":"mediot.example/ward7/gw1","vkey":"mediot.example/ward7/gw1+1a2b3c4d+AQ..."}]}</c>.
/// The loader is strict: unknown properties, duplicate origins, keys that do not parse or whose name is not the origin
/// (a gateway signs its checkpoints with its origin as key name) stop the service with a message naming the entry.
/// </summary>
public sealed class GatewayRegistry
{
    private readonly Dictionary<string, NoteVerifierKey> _keys;

    private GatewayRegistry(Dictionary<string, NoteVerifierKey> keys) => _keys = keys;

    /// <summary>How many gateways are registered.</summary>
    public int Count => _keys.Count;

    /// <summary>The registered origins.</summary>
    public IEnumerable<string> Origins => _keys.Keys;

    /// <summary>The verifier key of a registered origin.</summary>
    public bool TryGetKey(string origin, [NotNullWhen(true)] out NoteVerifierKey? key) => _keys.TryGetValue(origin, out key);

    /// <summary>Loads the registry file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid registry; the message names the problem and the entry.</exception>
    public static GatewayRegistry Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The gateway registry '{Path.GetFullPath(path)}' (Ledger:RegistryFile) does not exist. Copy configs/ledger-gateways.example.json and list your gateways.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 8 });
        }
        catch (JsonException exception)
        {
            throw Invalid(path, $"it is not JSON ({exception.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "the top level must be an object with a 'gateways' array");
            }

            JsonElement? gateways = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("gateways") && property.Value.ValueKind == JsonValueKind.Array)
                {
                    gateways = property.Value;
                }
                else if (!property.NameEquals("$comment"))
                {
                    throw Invalid(path, $"unexpected property '{property.Name}' (only 'gateways', an array, is allowed)");
                }
            }

            if (gateways is null)
            {
                throw Invalid(path, "the 'gateways' array is missing");
            }

            var keys = new Dictionary<string, NoteVerifierKey>(StringComparer.Ordinal);
            var position = 0;
            foreach (var entry in gateways.Value.EnumerateArray())
            {
                position++;
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(path, $"entry {position} is not an object");
                }

                string? origin = null, vkey = null;
                foreach (var property in entry.EnumerateObject())
                {
                    if (property.NameEquals("origin") && property.Value.ValueKind == JsonValueKind.String)
                    {
                        origin = property.Value.GetString();
                    }
                    else if (property.NameEquals("vkey") && property.Value.ValueKind == JsonValueKind.String)
                    {
                        vkey = property.Value.GetString();
                    }
                    else
                    {
                        throw Invalid(path, $"entry {position} has an unexpected property '{property.Name}' (only 'origin' and 'vkey', strings)");
                    }
                }

                if (string.IsNullOrEmpty(origin) || string.IsNullOrEmpty(vkey))
                {
                    throw Invalid(path, $"entry {position} needs both 'origin' and 'vkey'");
                }

                if (!NoteVerifierKey.TryParse(vkey, out var key, out var error))
                {
                    throw Invalid(path, $"entry {position} ('{origin}'): the vkey does not parse ({error})");
                }

                if (!string.Equals(key.Name, origin, StringComparison.Ordinal))
                {
                    throw Invalid(path, $"entry {position}: the vkey is named '{key.Name}' but the origin is '{origin}'; a gateway's checkpoint key is named after its origin");
                }

                if (!keys.TryAdd(origin, key))
                {
                    throw Invalid(path, $"entry {position}: the origin '{origin}' is listed twice");
                }
            }

            return new GatewayRegistry(keys);
        }
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"The gateway registry '{Path.GetFullPath(path)}' (Ledger:RegistryFile) is not valid: {problem}.");
}
