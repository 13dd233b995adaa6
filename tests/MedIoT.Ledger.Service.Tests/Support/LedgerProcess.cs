using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Support;

/// <summary>The built ledger service (<c>dotnet mediot-ledger.dll</c>) as a real child process, configured through environment variables.</summary>
internal static class LedgerProcess
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    public static Task<ServerProcess> StartAsync(Dictionary<string, string?> settings, int port)
    {
        var environment = settings.Where(s => s.Value is not null)
            .ToDictionary(s => "MEDIOT_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["MEDIOT_Ledger__Url"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        environment["MEDIOT_Logging__LogLevel__Default"] = "Information";
        var assembly = Path.Combine(AppContext.BaseDirectory, "mediot-ledger.dll");
        return ServerProcess.StartAsync("mediot-ledger", "dotnet", [assembly], "Ledger listening on", s_startTimeout, AppContext.BaseDirectory, environment);
    }
}
