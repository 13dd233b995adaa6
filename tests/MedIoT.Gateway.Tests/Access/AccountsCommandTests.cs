using System.Security.Cryptography;
using System.Text;
using MedIoT.Gateway.Access;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary><c>mediot-gateway accounts</c>: people with the password from standard input, tokens printed once, files 0600, clear refusals.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AccountsCommandTests : IDisposable
{
    private const string Password = "Marker-Command-Pw-41";
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("accounts-command");

    private string FilePath => _folder.Combine("accounts.json");

    private async Task<(int Exit, string Output, string Error)> RunAsync(string? password, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AccountsCommand.RunAsync([.. args, "--file", FilePath], () => password, _ => string.Empty, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Add_person_stores_a_salted_hash_of_the_password_from_stdin_in_an_owner_only_file()
    {
        var (exit, output, error) = await RunAsync(Password, "add-person", "nurse.jones", "--role", "nurse", "--role", "physician", "--iterations", "100000");

        Assert.Equal(0, exit);
        Assert.Contains("added person nurse.jones (nurse, physician)", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.DoesNotContain(Password, await File.ReadAllTextAsync(FilePath), StringComparison.Ordinal);
        Assert.True(LocalAccounts.TryLoad(FilePath, out var accounts, out _));
        var person = Assert.Single(accounts.People);
        Assert.Equal(["nurse", "physician"], person.Roles);
        Assert.Equal(100_000, person.Password.Iterations);
        Assert.True(person.Password.Matches(Password));

        // Again: the password and roles are replaced, nobody is added twice.
        var (again, againOutput, _) = await RunAsync("Another-Password-99", "add-person", "nurse.jones", "--role", "viewer", "--iterations", "100000");
        Assert.Equal(0, again);
        Assert.Contains("replaced person nurse.jones", againOutput, StringComparison.Ordinal);
        Assert.True(LocalAccounts.TryLoad(FilePath, out accounts, out _));
        Assert.Equal(["viewer"], Assert.Single(accounts.People).Roles);
        Assert.False(accounts.People[0].Password.Matches(Password));
    }

    [Fact]
    public async Task Add_token_prints_the_token_once_and_stores_only_its_sha256()
    {
        var (exit, output, error) = await RunAsync(null, "add-token", "mediot-sim", "--role", "nurse");

        Assert.Equal(0, exit);
        var token = output.Trim();
        Assert.Equal(43, token.Length);
        Assert.Contains("shown once", error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(FilePath), StringComparison.Ordinal);
        Assert.True(LocalAccounts.TryLoad(FilePath, out var accounts, out _));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), Assert.Single(accounts.Tokens).Sha256);
        Assert.Equal("mediot-sim", accounts.FindToken(token)?.Name);

        var (listed, list, _) = await RunAsync(null, "list");
        Assert.Equal(0, listed);
        Assert.Equal("token mediot-sim: nurse", list.Trim());
    }

    [Theory]
    [InlineData("short", new[] { "add-person", "nurse.jones", "--role", "nurse" }, "must be 12 to")]
    [InlineData(null, new[] { "add-person", "nurse.jones", "--role", "nurse" }, "must be 12 to")]
    [InlineData(Password, new[] { "add-person", "nurse.jones", "--role", "admin" }, "--role must be one of nurse, physician, viewer, it")]
    [InlineData(Password, new[] { "add-person", "nurse jones", "--role", "nurse" }, "NAME must be a staff id")]
    [InlineData(Password, new[] { "add-person", "nurse.jones" }, "at least one --role")]
    [InlineData(Password, new[] { "add-person", "nurse.jones", "--role", "nurse", "--iterations", "1000" }, "--iterations must be from 100000")]
    [InlineData(Password, new[] { "remove", "nurse.jones" }, "name a subcommand")]
    public async Task Bad_commands_exit_2_with_a_clear_message_and_write_nothing(string? password, string[] args, string expected)
    {
        var (exit, _, error) = await RunAsync(password, args);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public async Task A_damaged_file_is_not_overwritten()
    {
        await File.WriteAllTextAsync(FilePath, "{ \"people\": ");
        File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var (exit, _, error) = await RunAsync(Password, "add-person", "nurse.jones", "--role", "nurse");

        Assert.Equal(2, exit);
        Assert.Contains("not well-formed JSON", error, StringComparison.Ordinal);
        Assert.Equal("{ \"people\": ", await File.ReadAllTextAsync(FilePath));
    }

    public void Dispose() => _folder.Dispose();
}
