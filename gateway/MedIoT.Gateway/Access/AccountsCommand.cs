using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedIoT.Alerts;
using MedIoT.Cryptography;

namespace MedIoT.Gateway.Access;

/// <summary>
/// <c>mediot-gateway accounts</c>: adds people and API tokens to the local accounts file (docs/accounts.md §7). The
/// password is read from standard input (one line; not echoed on a terminal) and never printed; a new API token is
/// printed once and only its SHA-256 is stored. The file is rewritten with mode 0600. Exit code 0 on success, 2 when
/// the command cannot run.
/// </summary>
internal static class AccountsCommand
{
    public const string Usage = """
        usage: mediot-gateway accounts add-person NAME --role ROLE [--role ROLE ...] [--iterations N] [--file PATH] [--settings PATH]
               mediot-gateway accounts add-token NAME --role ROLE [--role ROLE ...] [--file PATH] [--settings PATH]
               mediot-gateway accounts list [--file PATH] [--settings PATH]
          NAME   a staff id: 1-64 of A-Z a-z 0-9 . _ @ -
          ROLE   nurse, physician, viewer or it
          add-person reads the password (at least 12 characters) as one line from standard input.
          add-token prints the new token once; store it where the client reads it (mode 0600).
          The file is --file, else Gateway:Access:AccountsPath of the gateway's settings.
        """;

    /// <summary>The shortest password accepted.</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>
    /// Runs the command; <paramref name="readPassword"/> reads the password line (from a terminal without echo), and
    /// <paramref name="settingsAccountsPath"/> finds <c>Gateway:Access:AccountsPath</c> in the gateway's settings (given
    /// the <c>--settings</c> arguments) when no <c>--file</c> is given.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Func<string?> readPassword, Func<string[], string> settingsAccountsPath, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, out var command, out var problem))
        {
            await error.WriteLineAsync($"error: {problem}{Environment.NewLine}{Usage}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return await RunAsync(command, readPassword, command.File ?? settingsAccountsPath(command.SettingsArguments), output, error).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Reads a password line from the console: without echo on a terminal, as a line when standard input is redirected.</summary>
    public static string? ReadPasswordFromConsole()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        Console.Error.Write("Password: ");
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return password.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }

    private static async Task<int> RunAsync(Command command, Func<string?> readPassword, string path, TextWriter output, TextWriter error)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidOperationException("No accounts file: give --file PATH or set Gateway:Access:AccountsPath in the gateway's settings.");
        }

        var accounts = LocalAccounts.None;
        if (File.Exists(path) && !LocalAccounts.TryLoad(path, out accounts, out var loadError))
        {
            throw new InvalidOperationException(loadError + "; fix or move it first");
        }

        accounts ??= LocalAccounts.None;
        switch (command.Verb)
        {
            case "list":
                foreach (var listed in accounts.People)
                {
                    await output.WriteLineAsync($"person {listed.Name}: {string.Join(", ", listed.Roles)} ({listed.Password.Iterations.ToString(CultureInfo.InvariantCulture)} iterations)").ConfigureAwait(false);
                }

                foreach (var token in accounts.Tokens)
                {
                    await output.WriteLineAsync($"token {token.Name}: {string.Join(", ", token.Roles)}").ConfigureAwait(false);
                }

                return 0;
            case "add-person":
                var password = readPassword();
                if (password is null || password.Length < MinimumPasswordLength || password.Any(char.IsControl)
                    || Encoding.UTF8.GetByteCount(password) > PasswordHash.MaximumPasswordBytes)
                {
                    await error.WriteLineAsync($"error: the password (one line on standard input) must be {MinimumPasswordLength} to {PasswordHash.MaximumPasswordBytes} bytes without control characters.").ConfigureAwait(false);
                    return 2;
                }

                if (accounts.Tokens.Any(token => token.Name == command.Name))
                {
                    throw new InvalidOperationException($"'{command.Name}' already names an API token.");
                }

                var person = new LocalPerson(command.Name, command.Roles, PasswordHash.Create(password, command.Iterations));
                var replaced = accounts.FindPerson(command.Name) is not null;
                new LocalAccounts([.. accounts.People.Where(p => p.Name != command.Name), person], accounts.Tokens).Save(path);
                await output.WriteLineAsync($"{(replaced ? "replaced" : "added")} person {command.Name} ({string.Join(", ", command.Roles)}) in {path}").ConfigureAwait(false);
                return 0;
            default:
                if (accounts.People.Any(p => p.Name == command.Name))
                {
                    throw new InvalidOperationException($"'{command.Name}' already names a person.");
                }

                var text = Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
                var apiToken = new LocalApiToken(command.Name, command.Roles, SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                var replacedToken = accounts.Tokens.Any(t => t.Name == command.Name);
                new LocalAccounts(accounts.People, [.. accounts.Tokens.Where(t => t.Name != command.Name), apiToken]).Save(path);
                await error.WriteLineAsync($"{(replacedToken ? "replaced" : "added")} API token {command.Name} ({string.Join(", ", command.Roles)}) in {path}; it is shown once:").ConfigureAwait(false);
                await output.WriteLineAsync(text).ConfigureAwait(false);
                return 0;
        }
    }


    private sealed record Command(string Verb, string Name, string[] Roles, int Iterations, string? File, string[] SettingsArguments);

    private static bool TryParse(string[] args, out Command command, out string? problem)
    {
        command = new Command(string.Empty, string.Empty, [], PasswordHash.DefaultIterations, null, []);
        if (args is not [("add-person" or "add-token" or "list") and var verb, ..])
        {
            problem = "name a subcommand: add-person, add-token or list.";
            return false;
        }

        var rest = args[1..];
        string? name = null;
        string? file = null;
        var iterations = PasswordHash.DefaultIterations;
        List<string> roles = [];
        List<string> settings = [];
        for (var i = 0; i < rest.Length; i++)
        {
            var value = i + 1 < rest.Length ? rest[i + 1] : null;
            switch (rest[i])
            {
                case "--role" when value is not null:
                    if (!StaffRoles.All.Contains(value, StringComparer.Ordinal))
                    {
                        problem = $"--role must be one of {string.Join(", ", StaffRoles.All)}.";
                        return false;
                    }

                    roles.Add(value);
                    i++;
                    break;
                case "--file" when value is not null:
                    file = value;
                    i++;
                    break;
                case "--settings" when value is not null:
                    settings.AddRange(["--settings", value]);
                    i++;
                    break;
                case "--iterations" when value is not null:
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
                        || iterations < PasswordHash.MinimumIterations || iterations > PasswordHash.MaximumIterations)
                    {
                        problem = $"--iterations must be from {PasswordHash.MinimumIterations} to {PasswordHash.MaximumIterations}.";
                        return false;
                    }

                    i++;
                    break;
                default:
                    if (name is not null || rest[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        problem = $"'{rest[i]}' is not understood here.";
                        return false;
                    }

                    name = rest[i];
                    break;
            }
        }

        if (verb != "list" && (name is null || !StaffId.TryCreate(name, out _)))
        {
            problem = "NAME must be a staff id: 1-64 of A-Z a-z 0-9 . _ @ -.";
            return false;
        }

        if (verb != "list" && roles.Count == 0)
        {
            problem = "give at least one --role.";
            return false;
        }

        command = new Command(verb, name ?? string.Empty, [.. roles.Distinct(StringComparer.Ordinal)], iterations, file, [.. settings]);
        problem = null;
        return true;
    }
}
