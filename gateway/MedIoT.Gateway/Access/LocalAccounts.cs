using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Access;

/// <summary>
/// The local accounts file (docs/accounts.md): people who sign in with a password and machine clients with API tokens.
/// Read strictly and whole at start (unknown, repeated or missing members, bad names, unknown roles and duplicate names
/// are errors naming the entry and member, never a hash); written by <c>mediot-gateway accounts</c> to a new file of mode
/// 0600 that replaces the old one in one rename.
/// </summary>
internal sealed class LocalAccounts
{
    /// <summary>The largest accounts file read, in bytes (1 MiB: thousands of accounts).</summary>
    internal const int MaxFileBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions s_options = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public LocalAccounts(IReadOnlyList<LocalPerson> people, IReadOnlyList<LocalApiToken> tokens)
    {
        People = people;
        Tokens = tokens;
    }

    /// <summary>No accounts (no file configured).</summary>
    public static LocalAccounts None { get; } = new([], []);

    public IReadOnlyList<LocalPerson> People { get; }

    public IReadOnlyList<LocalApiToken> Tokens { get; }

    /// <summary>The person named <paramref name="name"/> (names compare exactly).</summary>
    public LocalPerson? FindPerson(string name) => People.FirstOrDefault(person => string.Equals(person.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The API token whose SHA-256 is that of <paramref name="token"/>. Every stored hash is compared, each in constant
    /// time, so the time taken says nothing about which one came close.
    /// </summary>
    public LocalApiToken? FindToken(ReadOnlySpan<char> token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(token.ToArray());
        SHA256.HashData(bytes, hash);
        LocalApiToken? found = null;
        foreach (var candidate in Tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate.Sha256, hash))
            {
                found = candidate;
            }
        }

        return found;
    }

    /// <summary>Reads the file at <paramref name="path"/>; false with a sentence naming the path and the problem. Never throws for a bad file.</summary>
    public static bool TryLoad(string path, [NotNullWhen(true)] out LocalAccounts? accounts, [NotNullWhen(false)] out string? error)
    {
        accounts = null;
        byte[] content;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(handle) & GroupOrOthers) != 0)
            {
                error = $"the accounts file '{path}' may be read or written by group or others; restrict it with 'chmod 600 {path}'";
                return false;
            }

            if (RandomAccess.GetLength(handle) > MaxFileBytes)
            {
                error = $"the accounts file '{path}' is larger than {MaxFileBytes} bytes";
                return false;
            }

            content = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = $"the accounts file '{path}' cannot be read ({exception.GetType().Name}: {exception.Message}); create it with 'mediot-gateway accounts add-person'";
            return false;
        }

        if (!TryParse(content, out accounts, out var problem))
        {
            error = $"the accounts file '{path}' is not valid (docs/accounts.md): {problem}";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Parses an accounts file's bytes. Never throws for any input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out LocalAccounts? accounts, [NotNullWhen(false)] out string? error)
    {
        accounts = null;
        if (utf8Json.Length > MaxFileBytes)
        {
            error = $"the file is larger than {MaxFileBytes} bytes";
            return false;
        }

        if (utf8Json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || !Utf8.IsValid(utf8Json))
        {
            error = "the file must be UTF-8 without a byte order mark (RFC 8259 §8.1)";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray(), s_options);
            return TryRead(document.RootElement, out accounts, out error);
        }
        catch (JsonException exception)
        {
            // The parser's message names the line and byte and, for a repeated member, its name; it never holds a hash value.
            error = $"the file is not well-formed JSON or repeats a member: {exception.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out LocalAccounts? accounts, out string? error)
    {
        accounts = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail("the file must be a JSON object with the members \"people\" and \"tokens\"", out error);
        }

        if (root.EnumerateObject().FirstOrDefault(member => member.Name is not ("people" or "tokens")) is { Value.ValueKind: not JsonValueKind.Undefined } unknown)
        {
            return Fail($"member \"{unknown.Name}\" is not an accounts file member; it has only \"people\" and \"tokens\"", out error);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var people = new List<LocalPerson>();
        var tokens = new List<LocalApiToken>();
        if (!TryReadList(root, "people", "name, roles, iterations, salt, hash", names, out var personEntries, out error)
            || !TryReadList(root, "tokens", "name, roles, sha256", names, out var tokenEntries, out error))
        {
            return false;
        }

        foreach (var (where, entry, name, roles) in personEntries)
        {
            if (!TryInteger(entry, where, "iterations", PasswordHash.MinimumIterations, PasswordHash.MaximumIterations, out var iterations, out error)
                || !TryHex(entry, where, "salt", PasswordHash.SaltBytes, out var salt, out error)
                || !TryHex(entry, where, "hash", PasswordHash.HashBytes, out var hash, out error))
            {
                return false;
            }

            people.Add(new LocalPerson(name, roles, new PasswordHash(iterations, salt, hash)));
        }

        foreach (var (where, entry, name, roles) in tokenEntries)
        {
            if (!TryHex(entry, where, "sha256", SHA256.HashSizeInBytes, out var sha256, out error))
            {
                return false;
            }

            tokens.Add(new LocalApiToken(name, roles, sha256));
        }

        accounts = new LocalAccounts(people, tokens);
        error = null;
        return true;
    }

    private static bool TryReadList(JsonElement root, string list, string members, HashSet<string> names,
        out List<(string Where, JsonElement Entry, string Name, string[] Roles)> entries, out string? error)
    {
        entries = [];
        if (!root.TryGetProperty(list, out var array))
        {
            return Fail($"member \"{list}\" is missing (an empty array when there are none)", out error);
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            return Fail($"member \"{list}\" must be an array", out error);
        }

        var allowed = members.Split(", ");
        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{list}[{index++}]");
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return Fail($"{where} must be a JSON object with {members}", out error);
            }

            foreach (var member in entry.EnumerateObject())
            {
                if (!allowed.Contains(member.Name, StringComparer.Ordinal))
                {
                    return Fail($"{where}: member \"{member.Name}\" is unknown; an entry has {members}", out error);
                }
            }

            foreach (var member in allowed)
            {
                if (!entry.TryGetProperty(member, out _))
                {
                    return Fail($"{where}: member \"{member}\" is missing", out error);
                }
            }

            var nameElement = entry.GetProperty("name");
            if (nameElement.ValueKind != JsonValueKind.String || !StaffId.TryCreate(nameElement.GetString(), out _))
            {
                return Fail($"{where}: member \"name\" must be a staff id, 1-{StaffId.MaxLength} of A-Z a-z 0-9 . _ @ -", out error);
            }

            var name = nameElement.GetString()!;
            if (!names.Add(name))
            {
                return Fail($"{where}: the name \"{name}\" is already used by another person or token", out error);
            }

            var rolesElement = entry.GetProperty("roles");
            if (rolesElement.ValueKind != JsonValueKind.Array || rolesElement.GetArrayLength() == 0
                || rolesElement.EnumerateArray().Any(role => role.ValueKind != JsonValueKind.String || !StaffRoles.All.Contains(role.GetString(), StringComparer.Ordinal)))
            {
                return Fail($"{where} (\"{name}\"): member \"roles\" must be a non-empty array of {string.Join(", ", StaffRoles.All)}", out error);
            }

            string[] roles = [.. rolesElement.EnumerateArray().Select(role => role.GetString()!).Distinct(StringComparer.Ordinal)];
            entries.Add((where, entry, name, roles));
        }

        error = null;
        return true;
    }

    private static bool TryInteger(JsonElement entry, string where, string member, int minimum, int maximum, out int value, out string? error)
    {
        if (!entry.GetProperty(member).TryGetInt32(out value) || value < minimum || value > maximum)
        {
            return Fail(string.Create(CultureInfo.InvariantCulture, $"{where}: member \"{member}\" must be a whole number from {minimum} to {maximum}"), out error);
        }

        error = null;
        return true;
    }

    private static bool TryHex(JsonElement entry, string where, string member, int bytes, out byte[] value, out string? error)
    {
        value = [];
        var element = entry.GetProperty(member);
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Empty;
        if (text.Length != bytes * 2 || !text.All(char.IsAsciiHexDigit))
        {
            return Fail(string.Create(CultureInfo.InvariantCulture, $"{where}: member \"{member}\" must be {bytes} bytes as {bytes * 2} hexadecimal digits"), out error);
        }

        value = Convert.FromHexString(text);
        error = null;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    /// <summary>The file's JSON (docs/accounts.md), people and tokens in their order.</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("people");
            foreach (var person in People)
            {
                writer.WriteStartObject();
                WriteNameAndRoles(writer, person.Name, person.Roles);
                writer.WriteNumber("iterations", person.Password.Iterations);
                writer.WriteString("salt", Convert.ToHexStringLower(person.Password.Salt));
                writer.WriteString("hash", Convert.ToHexStringLower(person.Password.Hash));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("tokens");
            foreach (var token in Tokens)
            {
                writer.WriteStartObject();
                WriteNameAndRoles(writer, token.Name, token.Roles);
                writer.WriteString("sha256", Convert.ToHexStringLower(token.Sha256));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void WriteNameAndRoles(Utf8JsonWriter writer, string name, IReadOnlyList<string> roles)
    {
        writer.WriteString("name", name);
        writer.WriteStartArray("roles");
        foreach (var role in roles)
        {
            writer.WriteStringValue(role);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/>: a new file of mode 0600 beside it, flushed, then renamed over the old one,
    /// so a reader sees the old file or the new one and never a part.
    /// </summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Serialize());
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
    }
}
