namespace MedIoT.Testing;

/// <summary>
/// A real mosquitto broker on a free loopback port, configured from <c>configs/mosquitto/mosquitto.conf</c>
/// with a private persistence folder. Restartable on the same port and folder for fault tests.
/// </summary>
public sealed class MosquittoServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly TemporaryDirectory _folder;
    private readonly string _executable;
    private readonly string _configurationPath;
    private ServerProcess? _process;

    private MosquittoServer(TemporaryDirectory folder, string executable, string configurationPath, int port)
    {
        _folder = folder;
        _executable = executable;
        _configurationPath = configurationPath;
        Port = port;
    }

    /// <summary>The loopback port the broker listens on.</summary>
    public int Port { get; }

    /// <summary>Always the IPv4 loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The broker's private folder (persistence and the rendered configuration).</summary>
    public string DataDirectory => _folder.Path;

    /// <summary>The broker's recent log lines, for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? string.Empty;

    /// <summary>Starts a broker. <paramref name="extraConfiguration"/> lines are appended to the project's configuration.</summary>
    public static async Task<MosquittoServer> StartAsync(IEnumerable<string>? extraConfiguration = null)
    {
        var executable = ServerBinary.Require("mosquitto", "mosquitto");
        var folder = TemporaryDirectory.Create("mosquitto");
        var extra = extraConfiguration?.ToArray() ?? [];
        return await FreeTcpPort.StartWithRetriesAsync("mosquitto", folder, async () =>
        {
            var port = FreeTcpPort.Next();
            var configurationPath = folder.Combine("mosquitto.conf");
            await File.WriteAllTextAsync(configurationPath, Render(port, folder.Path, extra)).ConfigureAwait(false);
            var server = new MosquittoServer(folder, executable, configurationPath, port);
            await server.StartProcessAsync().ConfigureAwait(false);
            return server;
        }).ConfigureAwait(false);
    }

    /// <summary>Renders the project's mosquitto configuration for a port and folder.</summary>
    public static string Render(int port, string dataDirectory, IEnumerable<string> extraConfiguration)
    {
        var template = File.ReadAllText(Path.Combine(RepositoryLayout.Configs, "mosquitto", "mosquitto.conf"));
        var rendered = template
            .Replace("{{PORT}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{DATA_DIR}}", dataDirectory, StringComparison.Ordinal)
            .Replace("{{USER}}", Environment.UserName, StringComparison.Ordinal);
        return rendered + Environment.NewLine + string.Join(Environment.NewLine, extraConfiguration) + Environment.NewLine;
    }

    /// <summary>Kills the broker with SIGKILL (persistence keeps what it had saved).</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    /// <summary>Stops the broker gracefully (it saves its persistence file).</summary>
    public Task StopAsync() => _process?.StopAsync() ?? Task.CompletedTask;

    /// <summary>Starts the broker again on the same port with the same persistence folder.</summary>
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

        _folder.Dispose();
    }

    private async Task StartProcessAsync()
    {
        _process = await ServerProcess.StartAsync(
            "mosquitto", _executable, ["-c", _configurationPath], "running", s_startTimeout).ConfigureAwait(false);
    }
}
