using System.Diagnostics;
using System.Globalization;

namespace MedIoT.Testing;

/// <summary>
/// A real PostgreSQL server (Debian package postgresql, binaries in /usr/lib/postgresql/15/bin or
/// <c>pg_config --bindir</c>) in a temporary folder on a free loopback port, with trust authentication for the
/// superuser <c>postgres</c>. initdb refuses to run as root, so when the tests run as root the server runs as the
/// unprivileged user <c>postgres</c> (runuser) and the folder is handed to that user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly TemporaryDirectory _folder;
    private readonly ServerProcess _process;

    private PostgresServer(TemporaryDirectory folder, ServerProcess process, int port)
    {
        _folder = folder;
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's recent log lines, for failure messages.</summary>
    public string RecentOutput => _process.RecentOutput;

    /// <summary>An Npgsql connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=15");

    /// <summary>Initialises a cluster and starts the server.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the server did not start.</exception>
    public static async Task<PostgresServer> StartAsync()
    {
        var binaries = FindBinaries();
        var folder = TemporaryDirectory.Create("postgres");
        var asRoot = Environment.UserName == "root";
        var data = folder.Combine("data");
        var sockets = folder.Combine("sockets");
        Directory.CreateDirectory(sockets);
        if (asRoot)
        {
            await RunAsync("chown", ["-R", $"{ServiceUser}:", folder.Path]).ConfigureAwait(false);
        }

        await RunAsync(asRoot ? "runuser" : Path.Combine(binaries, "initdb"),
            [.. AsServiceUser(asRoot), .. asRoot ? [Path.Combine(binaries, "initdb")] : Array.Empty<string>(),
             "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]).ConfigureAwait(false);

        return await FreeTcpPort.StartWithRetriesAsync("postgres", folder, async () =>
        {
            var port = FreeTcpPort.Next();
            string[] serverArguments =
            [
                "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", sockets, "-c", "listen_addresses=127.0.0.1",
                "-c", "max_connections=100", "-c", "shared_buffers=32MB",
            ];
            var process = await ServerProcess.StartAsync("postgres",
                asRoot ? "runuser" : Path.Combine(binaries, "postgres"),
                [.. AsServiceUser(asRoot), .. asRoot ? [Path.Combine(binaries, "postgres")] : Array.Empty<string>(), .. serverArguments],
                "database system is ready to accept connections", s_startTimeout).ConfigureAwait(false);
            return new PostgresServer(folder, process, port);
        }).ConfigureAwait(false);
    }

    /// <summary>Creates an empty database.</summary>
    public async Task CreateDatabaseAsync(string name)
    {
        var psql = Path.Combine(FindBinaries(), "psql");
        if (!File.Exists(psql))
        {
            psql = ServerBinary.Require("psql", "postgresql-client");
        }

        await RunAsync(psql, ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
            "-v", "ON_ERROR_STOP=1", "-c", $"CREATE DATABASE \"{name}\""]).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM is PostgreSQL's "smart" shutdown; it ends once clients are gone (pools are cleared by the tests).
        await _process.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
        _folder.Dispose();
    }

    private static string[] AsServiceUser(bool asRoot) => asRoot ? ["-u", ServiceUser, "--"] : [];

    private static string FindBinaries()
    {
        const string Debian = "/usr/lib/postgresql/15/bin";
        if (File.Exists(Path.Combine(Debian, "postgres")))
        {
            return Debian;
        }

        foreach (var folder in Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order().ToArray() : [])
        {
            if (File.Exists(Path.Combine(folder, "bin", "postgres")))
            {
                return Path.Combine(folder, "bin");
            }
        }

        throw new InvalidOperationException(
            "The test server 'postgres' is not installed (looked in /usr/lib/postgresql/*/bin). Install it with 'sudo apt-get install postgresql', " +
            "or run configs/install.sh, which installs everything the tests need.");
    }

    private static async Task RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{fileName}' did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', startInfo.ArgumentList)}' failed with code {process.ExitCode}: {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
        }
    }
}
