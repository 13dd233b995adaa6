using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// The built gateway (<c>dotnet MedIoT.Gateway.dll</c>) as a real child process, configured through
/// <c>MEDIOT_Gateway__...</c> environment variables as in production; it can be killed with SIGKILL.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly ServerProcess _process;

    private GatewayProcess(ServerProcess process) => _process = process;

    /// <summary>The gateway's recent log lines.</summary>
    public string RecentOutput => _process.RecentOutput;

    /// <summary>The gateway's built assembly (Release, next to this test's configuration).</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            var path = Path.Combine(RepositoryLayout.Root, "gateway", "MedIoT.Gateway", "bin", configuration, "net10.0", "MedIoT.Gateway.dll");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The gateway is not built at '{path}'. Build it: dotnet build gateway/MedIoT.Gateway -c {configuration}");
            }

            return path;
        }
    }

    /// <summary>Starts the gateway with <paramref name="settings"/> (keys like <c>Gateway:Mqtt:Port</c>) and waits until it subscribed.</summary>
    public static async Task<GatewayProcess> StartAsync(string workingFolder, IReadOnlyDictionary<string, string> settings)
    {
        var environment = Environment(settings);
        var process = await ServerProcess.StartAsync(
            "gateway", "dotnet", [AssemblyPath], "MQTT subscribed", s_startTimeout, workingFolder, environment).ConfigureAwait(false);
        return new GatewayProcess(process);
    }

    /// <summary>The settings as the <c>MEDIOT_...</c> environment variables the gateway reads.</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> settings)
    {
        var environment = settings.ToDictionary(s => "MEDIOT_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        // No settings file in the working folder: the shipped alert rules, unless a test names others.
        environment.TryAdd("MEDIOT_Gateway__Alerts__RulesPath", Path.Combine(RepositoryLayout.Configs, "alert-rules.json"));
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return environment;
    }

    /// <summary>Ends the gateway with SIGKILL: no shutdown code runs, as in a crash or power cut.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Stops the gateway with SIGTERM (a service stop).</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
