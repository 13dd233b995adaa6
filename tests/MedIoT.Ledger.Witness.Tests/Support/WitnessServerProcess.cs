using System.Diagnostics;
using System.Text.Json;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Ledger.Witness.Tests.Support;

/// <summary>The witness under test, the built <c>mediot-witness</c>, as a real child process (<c>dotnet mediot-witness.dll</c>); it can be killed with SIGKILL.</summary>
internal sealed class WitnessServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ServerProcess _process;

    private WitnessServerProcess(ServerProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string RecentOutput => _process.RecentOutput;

    /// <summary>The witness's built assembly (Release, or Debug when the tests are a Debug build).</summary>
    public static string AssemblyPath => RepositoryLayout.BuiltAssembly("ledger/MedIoT.Ledger.Witness", "mediot-witness.dll");

    /// <summary>Writes a settings file in <paramref name="folder"/> for a witness on <paramref name="port"/> trusting <paramref name="log"/>.</summary>
    public static string WriteSettings(string folder, int port, string keyFile, NoteVerifierKey log)
    {
        var path = Path.Combine(folder, "witness.json");
        var settings = new
        {
            Witness = new
            {
                Name = InProcessWitness.WitnessName,
                KeyFile = keyFile,
                StateFolder = "state",
                EvidenceFolder = "evidence",
                Url = $"http://127.0.0.1:{port}",
                Logs = new[] { new { Origin = log.Name, Keys = new[] { log.ToString() } } },
            },
            Logging = new { LogLevel = new { Default = "Information", Microsoft = "Warning" } },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(settings));
        return path;
    }

    public static async Task<WitnessServerProcess> StartAsync(string settingsFile, int port)
    {
        var process = await ServerProcess.StartAsync(
            "mediot-witness", "dotnet", [AssemblyPath, "--config", settingsFile], "mediot-witness listening on", StartTimeout,
            Path.GetDirectoryName(settingsFile), new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        return new WitnessServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Runs <c>mediot-witness</c> with <paramref name="arguments"/> to its end; returns the exit code and the output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(AssemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or power cut.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, as systemd stops a service; killed if it does not end within 30 s.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
