namespace MedIoT.Testing;

/// <summary>
/// A built MedIoT service (<c>dotnet X.dll</c>) as a real child process, configured through <c>MEDIOT_Section__Key</c>
/// environment variables as in production (the MedIoT.Hosting convention), ready once it prints a marker; it can be killed
/// with SIGKILL.
/// </summary>
public sealed class ChildProcessGateway : IWardGateway
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly ServerProcess _process;

    private ChildProcessGateway(ServerProcess process) => _process = process;

    public string RecentOutput => _process.RecentOutput;

    /// <summary>
    /// A launcher for the assembly <paramref name="assembly"/> built from <paramref name="projectFolder"/>, ready when it
    /// prints <paramref name="readyMarker"/>, run in the ward's folder; <paramref name="environmentDefaults"/> apply unless a
    /// setting names the same variable.
    /// </summary>
    public static IWardGatewayLauncher Launcher(string projectFolder, string assembly, string readyMarker,
        IReadOnlyDictionary<string, string>? environmentDefaults = null) =>
        new ProcessLauncher(projectFolder, assembly, readyMarker, environmentDefaults ?? new Dictionary<string, string>());

    /// <summary>The settings (keys like <c>Gateway:Mqtt:Port</c>) as the <c>MEDIOT_...</c> environment variables the services read.</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var environment = settings.ToDictionary(s => "MEDIOT_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        foreach (var (key, value) in defaults ?? new Dictionary<string, string>())
        {
            environment.TryAdd(key, value);
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return environment;
    }

    /// <summary>Ends the process with SIGKILL: no shutdown code runs, as in a crash or power cut.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Stops the process with SIGTERM (a service stop), killing it after 30 s.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private sealed class ProcessLauncher(string projectFolder, string assembly, string readyMarker, IReadOnlyDictionary<string, string> defaults)
        : IWardGatewayLauncher
    {
        public async Task<IWardGateway> StartAsync(Ward ward, IReadOnlyDictionary<string, string> settings)
        {
            var process = await ServerProcess.StartAsync(assembly, "dotnet", [RepositoryLayout.BuiltAssembly(projectFolder, assembly)], readyMarker,
                s_startTimeout, ward.Folder, Environment(settings, defaults)).ConfigureAwait(false);
            return new ChildProcessGateway(process);
        }
    }
}
