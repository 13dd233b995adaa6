using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MedIoT.Testing;

/// <summary>
/// A real mosquitto broker on a free loopback port, configured from <c>configs/mosquitto/mosquitto.conf</c> with a private
/// persistence folder, and with the shipped access control (<see cref="MosquittoAccess"/>): anonymous clients refused, a
/// password file and a copy of <c>configs/mosquitto/mediot.acl</c> in that folder. Accounts and ACL lines are added while it
/// runs (<see cref="AddAccountsAsync"/>, <see cref="AddAccountAsync"/>, <see cref="AddAclAsync"/>), each followed by a
/// reload (SIGHUP), as a ward's operator adds a device. Restartable on the same port and folder for fault tests.
/// </summary>
public sealed class MosquittoServer : IAsyncDisposable
{
    /// <summary>The user name of the fixture's test account (<see cref="TestAccount"/>); never in the shipped files.</summary>
    public const string TestAccountName = "mediot-test";

    // The password and ACL files in the broker's folder: mosquitto.conf names them, the fixture writes and changes them.
    private const string PasswordFileName = "passwords";
    private const string AclFileName = "acl";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_reloadTimeout = TimeSpan.FromSeconds(20);

    private readonly TemporaryDirectory _folder;
    private readonly string _executable;
    private readonly string _configurationPath;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private ServerProcess? _process;

    private MosquittoServer(TemporaryDirectory folder, string executable, string configurationPath, int port, MosquittoAccount? testAccount)
    {
        _folder = folder;
        _executable = executable;
        _configurationPath = configurationPath;
        Port = port;
        TestAccount = testAccount;
    }

    /// <summary>The loopback port the broker listens on.</summary>
    public int Port { get; }

    /// <summary>Always the IPv4 loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The broker's private folder (persistence, the rendered configuration, the password and ACL files).</summary>
    public string DataDirectory => _folder.Path;

    /// <summary>The broker's password file (mosquitto.conf's <c>password_file</c>).</summary>
    public string PasswordFile => _folder.Combine(PasswordFileName);

    /// <summary>The broker's ACL file: the shipped <c>mediot.acl</c> and the lines the fixture added.</summary>
    public string AclFile => _folder.Combine(AclFileName);

    /// <summary>
    /// An account that may publish and read every topic, for tests that are not about who may do what (the MQTT client's
    /// own tests, observers, injected traffic); <see langword="null"/> unless started with
    /// <see cref="MosquittoAccess.ShippedWithTestAccount"/>. Only this fixture creates it: the shipped files know nothing of it.
    /// </summary>
    public MosquittoAccount? TestAccount { get; }

    /// <summary>The broker's recent log lines, for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? string.Empty;

    /// <summary>Starts a broker. <paramref name="extraConfiguration"/> lines are appended to the project's configuration.</summary>
    public static async Task<MosquittoServer> StartAsync(
        IEnumerable<string>? extraConfiguration = null, MosquittoAccess access = MosquittoAccess.ShippedWithTestAccount)
    {
        var executable = ServerBinary.Require("mosquitto", "mosquitto");
        var folder = TemporaryDirectory.Create("mosquitto");
        var extra = extraConfiguration?.ToArray() ?? [];
        var testAccount = access == MosquittoAccess.ShippedWithTestAccount
            ? new MosquittoAccount(TestAccountName, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)))
            : null;
        try
        {
            await WriteAccessControlAsync(folder, testAccount).ConfigureAwait(false);
        }
        catch
        {
            folder.Dispose();
            throw;
        }

        return await FreeTcpPort.StartWithRetriesAsync("mosquitto", folder, async () =>
        {
            var port = FreeTcpPort.Next();
            var configurationPath = folder.Combine("mosquitto.conf");
            await File.WriteAllTextAsync(configurationPath, Render(port, folder.Path, access, extra)).ConfigureAwait(false);
            var server = new MosquittoServer(folder, executable, configurationPath, port, testAccount);
            await server.StartProcessAsync().ConfigureAwait(false);
            return server;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Renders the project's mosquitto configuration for a port and folder, as configs/demo.sh does: the password file is
    /// <c>passwords</c> and the ACL file <c>acl</c> in <paramref name="dataDirectory"/>. With <see cref="MosquittoAccess.Open"/>
    /// both lines are left out and anonymous clients are allowed.
    /// </summary>
    public static string Render(int port, string dataDirectory, MosquittoAccess access, IEnumerable<string> extraConfiguration)
    {
        var template = File.ReadAllText(Path.Combine(RepositoryLayout.Configs, "mosquitto", "mosquitto.conf"));
        var rendered = template
            .Replace("{{PORT}}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{DATA_DIR}}", dataDirectory, StringComparison.Ordinal)
            .Replace("{{USER}}", Environment.UserName, StringComparison.Ordinal)
            .Replace("{{PASSWORD_FILE}}", Path.Combine(dataDirectory, PasswordFileName), StringComparison.Ordinal)
            .Replace("{{ACL_FILE}}", Path.Combine(dataDirectory, AclFileName), StringComparison.Ordinal);
        if (access == MosquittoAccess.Open)
        {
            rendered = string.Join('\n', rendered.Split('\n')
                .Where(line => !line.StartsWith("password_file ", StringComparison.Ordinal) && !line.StartsWith("acl_file ", StringComparison.Ordinal))
                .Select(line => line == "allow_anonymous false" ? "allow_anonymous true" : line));
        }

        return rendered + Environment.NewLine + string.Join(Environment.NewLine, extraConfiguration) + Environment.NewLine;
    }

    /// <summary>
    /// The shipped mutual-TLS listener (<c>configs/mosquitto/mutual-tls.conf</c>) rendered for a port and PEM files, as lines
    /// for <see cref="StartAsync"/>'s <c>extraConfiguration</c>: the configuration a ward appends to mosquitto.conf.
    /// </summary>
    public static IReadOnlyList<string> RenderMutualTls(int tlsPort, string caFile, string certificateFile, string keyFile)
    {
        var template = File.ReadAllText(Path.Combine(RepositoryLayout.Configs, "mosquitto", "mutual-tls.conf"));
        return template
            .Replace("{{TLS_PORT}}", tlsPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{CA_FILE}}", caFile, StringComparison.Ordinal)
            .Replace("{{CERT_FILE}}", certificateFile, StringComparison.Ordinal)
            .Replace("{{KEY_FILE}}", keyFile, StringComparison.Ordinal)
            .Split('\n');
    }

    /// <summary>
    /// Adds (or replaces, by user name) the accounts of a password file such as <c>mediot-sim provision</c> writes
    /// (<c>mosquitto.passwd</c>) and reloads the broker; returns once the broker has reloaded.
    /// </summary>
    public async Task AddAccountsAsync(string passwordFile)
    {
        var added = (await File.ReadAllLinesAsync(passwordFile).ConfigureAwait(false)).Where(line => line.Length > 0).ToList();
        if (added.FirstOrDefault(line => line.IndexOf(':', StringComparison.Ordinal) < 1) is { } malformed)
        {
            throw new InvalidDataException($"'{passwordFile}' has a line that is not 'user:hash': '{malformed}'.");
        }

        await ChangeAsync(async () =>
        {
            var names = added.Select(UserName).ToHashSet(StringComparer.Ordinal);
            var kept = (await File.ReadAllLinesAsync(PasswordFile).ConfigureAwait(false)).Where(line => line.Length > 0 && !names.Contains(UserName(line)));
            await File.WriteAllLinesAsync(PasswordFile, kept.Concat(added)).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Adds (or replaces) one account with mosquitto's own <c>mosquitto_passwd</c> and reloads the broker.</summary>
    public Task AddAccountAsync(string username, string password) =>
        ChangeAsync(() => RunPasswordToolAsync(PasswordFile, username, password, create: false));

    /// <summary>
    /// Appends lines to the broker's ACL file and reloads it: what a ward's operator does for a setting that moves a topic
    /// (e.g. grants the gateway account a test's own alarm topic prefix). The shipped lines stay as they are.
    /// </summary>
    public Task AddAclAsync(IEnumerable<string> lines)
    {
        var text = string.Join('\n', lines);
        return ChangeAsync(() => File.AppendAllTextAsync(AclFile, "\n" + text + "\n"));
    }

    /// <summary>Kills the broker with SIGKILL (persistence keeps what it had saved).</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary>Stops the broker gracefully (it saves its persistence file).</summary>
    public Task StopAsync() => _process?.StopAsync() ?? Task.CompletedTask;

    /// <summary>Starts the broker again on the same port with the same persistence folder, accounts and ACL.</summary>
    public async Task RestartAsync()
    {
        if (_process is { HasExited: false })
        {
            await _process.StopAsync().ConfigureAwait(false);
        }

        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        await StartProcessAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        _changes.Dispose();
        _folder.Dispose();
    }

    private static async Task WriteAccessControlAsync(TemporaryDirectory folder, MosquittoAccount? testAccount)
    {
        var acl = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Configs, "mosquitto", "mediot.acl")).ConfigureAwait(false);
        var passwords = folder.Combine(PasswordFileName);
        if (testAccount is null)
        {
            await File.WriteAllTextAsync(passwords, string.Empty).ConfigureAwait(false);
        }
        else
        {
            await RunPasswordToolAsync(passwords, testAccount.Username, testAccount.Password, create: true).ConfigureAwait(false);
            acl += $"\n# Added by the test fixture only (MosquittoServer.TestAccount).\nuser {testAccount.Username}\ntopic readwrite #\n";
        }

        await File.WriteAllTextAsync(folder.Combine(AclFileName), acl).ConfigureAwait(false);
    }

    private static async Task RunPasswordToolAsync(string passwordFile, string username, string password, bool create)
    {
        var tool = ServerBinary.Require("mosquitto_passwd", "mosquitto");
        string[] arguments = create ? ["-b", "-c", passwordFile, username, password] : ["-b", passwordFile, username, password];
        var result = await CommandLine.RunAsync(tool, arguments).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_passwd could not add '{username}': {result.Describe()}");
        }
    }

    private static string UserName(string line) => line[..line.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>Changes a file the broker reads, then reloads it: one change at a time, so no reload misses another's change.</summary>
    private async Task ChangeAsync(Func<Task> change)
    {
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            await change().ConfigureAwait(false);
            if (_process is { HasExited: false } process)
            {
                // mosquitto logs this line, then rereads its configuration, password and ACL files before it reads another
                // packet (its one network thread does both), so a connection made after the line is judged by the new files.
                await process.ReloadAsync("Reloading config", s_reloadTimeout).ConfigureAwait(false);
                await WaitUntilReloadedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Returns once mosquitto has finished the reload it announced: it clears its SIGHUP flag only at the end of the reload, so
    /// a SIGHUP arriving before then is lost (mosquitto 2.0, src/loop.c). Its one thread reads no packet while it reloads, so
    /// its answer to a CONNECT sent now comes after the reload: a CONNACK (this CONNECT has no account), or, where the first
    /// listener is TLS, the connection closed on the bytes that are no TLS handshake. Either is the broker's own answer.
    /// </summary>
    private async Task WaitUntilReloadedAsync()
    {
        using var timeout = new CancellationTokenSource(s_reloadTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(Host, Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();

            // MQTT 3.1.1 §3.1: CONNECT, protocol "MQTT" level 4, clean session, keep alive 60 s, empty client id, no credentials.
            byte[] connect = [0x10, 0x0C, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00];
            await stream.WriteAsync(connect, timeout.Token).ConfigureAwait(false);
            var answer = new byte[1];
            _ = await stream.ReadAsync(answer, timeout.Token).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The broker closed the connection: its answer on a TLS listener.
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"mosquitto did not answer a CONNECT within {s_reloadTimeout.TotalSeconds:0} s of its reload. Its output:{Environment.NewLine}{RecentOutput}");
        }
    }

    private async Task StartProcessAsync()
    {
        _process = await ServerProcess.StartAsync(
            "mosquitto", _executable, ["-c", _configurationPath], "running", s_startTimeout).ConfigureAwait(false);
    }
}

/// <summary>How <see cref="MosquittoServer"/> sets up the broker's access control.</summary>
public enum MosquittoAccess
{
    /// <summary>The shipped access control (no anonymous clients, the password file, mediot.acl) and the fixture's test account with every right.</summary>
    ShippedWithTestAccount,

    /// <summary>Exactly the shipped access control: no account exists until a test adds one.</summary>
    Shipped,

    /// <summary>No password or ACL file and anonymous clients allowed: only for tests of another mechanism (mosquitto's dynamic security plugin).</summary>
    Open,
}

/// <summary>A broker account: user name and password.</summary>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password.</param>
public sealed record MosquittoAccount(string Username, string Password)
{
    /// <summary>The user name only: a password never reaches a log or a failure message.</summary>
    public override string ToString() => Username;
}
