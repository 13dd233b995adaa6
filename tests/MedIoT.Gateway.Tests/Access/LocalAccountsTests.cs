using System.Security.Cryptography;
using System.Text;
using MedIoT.Gateway.Access;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>The local accounts file (docs/accounts.md): strict reading with clear errors, PBKDF2 hashes, token lookup, owner-only files.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalAccountsTests : IDisposable
{
    private const string Salt = "00112233445566778899aabbccddeeff";
    private static readonly string s_hash = new('a', 64);
    private static readonly string s_sha = new('b', 64);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("accounts");

    private static string Person(string name = "nurse.jones", string roles = "[\"nurse\"]", string iterations = "210000", string salt = Salt, string? hash = null, string extra = "") =>
        $$"""{ "name": "{{name}}", "roles": {{roles}}, "iterations": {{iterations}}, "salt": "{{salt}}", "hash": "{{hash ?? s_hash}}"{{extra}} }""";

    private static string File(string people, string tokens = "") => $$"""{ "people": [{{people}}], "tokens": [{{tokens}}] }""";

    [Fact]
    public void A_file_with_people_and_tokens_reads_and_writes_back_the_same()
    {
        var json = File(Person() + ", " + Person("dr.patel", "[\"physician\", \"it\"]"), $$"""{ "name": "mediot-sim", "roles": ["nurse"], "sha256": "{{s_sha}}" }""");

        Assert.True(LocalAccounts.TryParse(Encoding.UTF8.GetBytes(json), out var accounts, out var error), error);

        Assert.Equal(["nurse.jones", "dr.patel"], accounts.People.Select(p => p.Name));
        Assert.Equal(["physician", "it"], accounts.People[1].Roles);
        Assert.Equal(210_000, accounts.People[0].Password.Iterations);
        Assert.Equal(Convert.FromHexString(Salt), accounts.People[0].Password.Salt);
        Assert.Equal("mediot-sim", Assert.Single(accounts.Tokens).Name);
        Assert.True(LocalAccounts.TryParse(accounts.Serialize(), out var again, out _));
        Assert.Equal(accounts.Serialize(), again.Serialize());
    }

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "[]", "must be a JSON object" },
        { "{ \"people\": [] }", "member \"tokens\" is missing" },
        { "{ \"people\": [], \"tokens\": [], \"admins\": [] }", "member \"admins\" is not an accounts file member" },
        { "{ \"people\": [], \"people\": [], \"tokens\": [] }", "repeats a member" },
        { "{ \"people\": {}, \"tokens\": [] }", "member \"people\" must be an array" },
        { File(Person(extra: ", \"password\": \"x\"")), "people[0]: member \"password\" is unknown" },
        { File("{ \"name\": \"nurse.jones\", \"roles\": [\"nurse\"], \"iterations\": 210000, \"salt\": \"" + Salt + "\" }"), "people[0]: member \"hash\" is missing" },
        { File(Person(name: "nurse jones")), "people[0]: member \"name\" must be a staff id" },
        { File(Person(roles: "[\"admin\"]")), "member \"roles\" must be a non-empty array of nurse, physician, viewer, it" },
        { File(Person(roles: "[]")), "member \"roles\" must be a non-empty array" },
        { File(Person(iterations: "1000")), "member \"iterations\" must be a whole number from 100000" },
        { File(Person(salt: "00ff")), "member \"salt\" must be 16 bytes as 32 hexadecimal digits" },
        { File(Person(hash: new string('z', 64))), "member \"hash\" must be 32 bytes" },
        { File(Person() + ", " + Person()), "people[1]: the name \"nurse.jones\" is already used" },
        { File(Person(), $$"""{ "name": "nurse.jones", "roles": ["nurse"], "sha256": "{{s_sha}}" }"""), "tokens[0]: the name \"nurse.jones\" is already used" },
        { File("", """{ "name": "sim", "roles": ["nurse"], "sha256": "abc" }"""), "tokens[0]: member \"sha256\" must be 32 bytes" },
        { "{ \"people\": [], \"tokens\": [] ", "not well-formed JSON" },
        { "{ \"people\": [], \"tokens\": [] } // note", "not well-formed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_refused_with_an_error_naming_the_entry_and_member(string json, string expected)
    {
        Assert.False(LocalAccounts.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(s_hash, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_or_invalid_utf8_is_refused()
    {
        Assert.False(LocalAccounts.TryParse([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(File(""))], out _, out var bom));
        Assert.Contains("byte order mark", bom, StringComparison.Ordinal);
        Assert.False(LocalAccounts.TryParse([(byte)'{', 0xC3, 0x28, (byte)'}'], out _, out var utf8));
        Assert.Contains("UTF-8", utf8, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_hash_matches_its_password_only_and_keeps_its_iteration_count()
    {
        var hash = PasswordHash.Create("correct horse battery", PasswordHash.MinimumIterations);

        Assert.True(hash.Matches("correct horse battery"));
        Assert.False(hash.Matches("correct horse batterY"));
        Assert.False(hash.Matches(string.Empty));
        Assert.Equal(PasswordHash.MinimumIterations, hash.Iterations);
        Assert.Equal(16, hash.Salt.Length);
        Assert.Equal(32, hash.Hash.Length);
        // A salt of its own: the same password hashes differently.
        Assert.NotEqual(hash.Hash, PasswordHash.Create("correct horse battery", PasswordHash.MinimumIterations).Hash);
        // The derivation is RFC 8018 PBKDF2 with HMAC-SHA256 over the UTF-8 password.
        Assert.Equal(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes("correct horse battery"), hash.Salt, hash.Iterations, HashAlgorithmName.SHA256, 32), hash.Hash);
    }

    [Fact]
    public void A_token_is_found_by_its_sha256_and_an_unknown_one_is_not()
    {
        const string Token = "dGhpcyBpcyBub3QgYSByZWFsIHRva2VuIGF0IGFsbCE";
        var accounts = new LocalAccounts([], [new LocalApiToken("mediot-sim", ["nurse"], SHA256.HashData(Encoding.UTF8.GetBytes(Token)))]);

        Assert.Equal("mediot-sim", accounts.FindToken(Token)?.Name);
        Assert.Null(accounts.FindToken(Token[..^1] + "X"));
        Assert.Null(accounts.FindToken(string.Empty));
    }

    [Fact]
    public void Saved_files_are_owner_only_and_a_file_others_may_read_is_refused()
    {
        var path = _folder.Combine("accounts.json");
        new LocalAccounts([new LocalPerson("nurse.jones", ["nurse"], PasswordHash.Create("correct horse battery", PasswordHash.MinimumIterations))], []).Save(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(path));
        Assert.True(LocalAccounts.TryLoad(path, out var loaded, out _));
        Assert.True(loaded.FindPerson("nurse.jones")!.Password.Matches("correct horse battery"));

        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.False(LocalAccounts.TryLoad(path, out _, out var error));
        Assert.Contains("chmod 600", error, StringComparison.Ordinal);
        Assert.False(LocalAccounts.TryLoad(_folder.Combine("missing.json"), out _, out var missing));
        Assert.Contains("cannot be read", missing, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
