using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MedIoT.Testing;

/// <summary>
/// A gateway's local accounts file (docs/accounts.md) with one API token per test staff member, so tests call the alarm
/// API as a named, signed-in identity: the acknowledging staff id is the token's name. Written mode 0600, as
/// <c>mediot-gateway accounts add-token</c> writes it; the tokens stay in memory for the test's clients.
/// </summary>
public sealed class StaffAccounts : IDisposable
{
    /// <summary>The staff every ward knows, by name, with their roles; <see cref="Monitor"/> sees both channels and acts on none.</summary>
    public static readonly IReadOnlyList<(string Name, string[] Roles)> Default =
    [
        ("nurse.jones", ["nurse"]), ("nurse.smith", ["nurse"]), ("nurse.patel", ["nurse"]), ("dr.patel", ["physician"]),
        ("viewer.lee", ["viewer"]), ("it.desk", ["it"]), (Monitor, ["viewer", "it"]),
    ];

    /// <summary>A read-only identity for the tests' reads of the API.</summary>
    public const string Monitor = "ward.monitor";

    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    private StaffAccounts(string path) => Path = path;

    /// <summary>The accounts file (setting <c>Gateway:Access:AccountsPath</c>).</summary>
    public string Path { get; }

    /// <summary>Writes an accounts file with a new random token for each of <paramref name="staff"/> and no people.</summary>
    public static StaffAccounts Write(string path, IEnumerable<(string Name, string[] Roles)> staff)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var accounts = new StaffAccounts(path);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("people");
            writer.WriteEndArray();
            writer.WriteStartArray("tokens");
            foreach (var (name, roles) in staff)
            {
                var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                accounts._tokens.Add(name, token);
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteStartArray("roles");
                foreach (var role in roles)
                {
                    writer.WriteStringValue(role);
                }

                writer.WriteEndArray();
                writer.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        {
            file.Write(stream.ToArray());
        }

        return accounts;
    }

    /// <summary>The API token of <paramref name="name"/>.</summary>
    public string Token(string name) => _tokens.TryGetValue(name, out var token) ? token
        : throw new ArgumentException($"No test staff member '{name}'; the ward knows {string.Join(", ", _tokens.Keys)}.", nameof(name));

    /// <summary>The <c>Authorization: Bearer</c> header of <paramref name="name"/>.</summary>
    public AuthenticationHeaderValue Bearer(string name) => new("Bearer", Token(name));

    /// <summary>A client that sends <paramref name="name"/>'s token with every request (one per name, disposed with this).</summary>
    public HttpClient Client(string name, Uri? baseAddress = null)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(name, out var client))
            {
                client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                client.DefaultRequestHeaders.Authorization = Bearer(name);
                _clients.Add(name, client);
            }

            if (baseAddress is not null && client.BaseAddress is null)
            {
                client.BaseAddress = baseAddress;
            }

            return client;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
