using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The gateway (the tests' own build, <c>dotnet MedIoT.Gateway.dll</c>) run as its unit runs it (<see cref="SystemdChild"/>),
/// with the settings file the arm64 <c>mediot-gateway</c> package ships. Its absolute paths (<c>/var/lib/mediot/gateway/...</c>,
/// <c>/etc/mediot/devices.json</c>) are moved into the test's folder by <c>MEDIOT_</c> variables; no broker and no InfluxDB
/// listen on the ports given (the gateway retries them and is ready meanwhile).
/// </summary>
public static class PackagedGateway
{
    /// <summary>
    /// Starts the gateway with its state in <paramref name="stateFolder"/> (the layout of <c>/var/lib/mediot/gateway</c>),
    /// the registry <paramref name="registry"/>, notifying <paramref name="notifySocket"/>; returns once it printed its first line.
    /// </summary>
    public static async Task<SystemdChild> StartAsync(TemporaryDirectory folder, string stateFolder, string registry, string notifySocket)
    {
        var files = folder.Combine("package");
        await DebianPackage.Find(ReleasePackages.Gateway.Name, ReleasePackages.Architecture).ExtractAsync(files);
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notifySocket,
            ["MEDIOT_Gateway__DeviceRegistryPath"] = registry,
            ["MEDIOT_Gateway__Journal__Folder"] = Path.Combine(stateFolder, "journal"),
            ["MEDIOT_Gateway__Identity__KeyFile"] = Path.Combine(stateFolder, "identity", "gateway-key.jwk"),
            ["MEDIOT_Gateway__Access__KeysFolder"] = Path.Combine(stateFolder, "access-keys"),
            ["MEDIOT_Gateway__Alerts__OutboxFolder"] = Path.Combine(stateFolder, "alerts-outbox"),
            ["MEDIOT_Gateway__Serial__StateFolder"] = Path.Combine(stateFolder, "serial"),
            ["MEDIOT_Gateway__Http__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}",
            ["MEDIOT_Gateway__Mqtt__Port"] = FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture),
            ["MEDIOT_Gateway__Influx__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}/",
        };
        var gatewayAssembly = RepositoryLayout.BuiltAssembly("gateway/MedIoT.Gateway", "MedIoT.Gateway.dll");
        return await SystemdChild.StartAsync(folder, [gatewayAssembly, "--settings", Path.Combine(files, "etc", "mediot", "gateway.json")],
            environment, "MedIoT.Gateway[");
    }
}
