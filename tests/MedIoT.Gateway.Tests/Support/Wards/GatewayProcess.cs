using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// The built gateway (<c>dotnet MedIoT.Gateway.dll</c>) as a real child process (<see cref="ChildProcessGateway"/>), configured
/// through <c>MEDIOT_Gateway__...</c> environment variables as in production; it can be killed with SIGKILL.
/// </summary>
internal static class GatewayProcess
{
    /// <summary>No settings file in the working folder: the shipped alert rules, unless a test names others.</summary>
    private static readonly Dictionary<string, string> s_defaults = new()
    {
        ["MEDIOT_Gateway__Alerts__RulesPath"] = Path.Combine(RepositoryLayout.Configs, "alert-rules.json"),
    };

    /// <summary>Starts the gateway in the ward's folder and returns once it printed "MQTT subscribed".</summary>
    public static IWardGatewayLauncher Launcher { get; } = ChildProcessGateway.Launcher("gateway/MedIoT.Gateway", "MedIoT.Gateway.dll", "MQTT subscribed", s_defaults);

    /// <summary>The gateway's built assembly (Release or Debug, like these tests).</summary>
    public static string AssemblyPath => RepositoryLayout.BuiltAssembly("gateway/MedIoT.Gateway", "MedIoT.Gateway.dll");

    /// <summary>The settings as the <c>MEDIOT_...</c> environment variables the gateway reads (for its other commands, such as audit).</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> settings) => ChildProcessGateway.Environment(settings, s_defaults);

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
