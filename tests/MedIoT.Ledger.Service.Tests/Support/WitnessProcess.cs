using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Support;

/// <summary>The project's real witness (<c>dotnet mediot-witness.dll</c>) as a child process: its own key (keygen), state and evidence folders, trusting the ledger's key.</summary>
internal sealed class WitnessProcess : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private WitnessProcess(ServerProcess process, WitnessKey key, Uri url)
    {
        _process = process;
        Key = key;
        Url = url;
    }

    public WitnessKey Key { get; }

    public Uri Url { get; }

    public static async Task<WitnessProcess> StartAsync(string folder, string name, NoteVerifierKey ledgerKey)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var assembly = Path.Combine(RepositoryLayout.Root, "ledger", "MedIoT.Ledger.Witness", "bin", configuration, "net10.0", "mediot-witness.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"mediot-witness is not built at '{assembly}'. Build it: dotnet build ledger/MedIoT.Ledger.Witness -c {configuration}");
        }

        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "key", "witness.jwk");
        var keygen = Process.Start(new ProcessStartInfo("dotnet", [assembly, "keygen", "--key", keyFile, "--name", name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var vkey = (await keygen.StandardOutput.ReadToEndAsync()).Trim();
        await keygen.WaitForExitAsync();
        Assert.True(WitnessKey.TryParse(vkey, out var key, out var error), $"keygen printed '{vkey}' ({error}): {await keygen.StandardError.ReadToEndAsync()}");
        keygen.Dispose();

        var port = FreeTcpPort.Next();
        var settings = Path.Combine(folder, "witness.json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new
        {
            Witness = new
            {
                Name = name,
                KeyFile = keyFile,
                StateFolder = "state",
                EvidenceFolder = "evidence",
                Url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
                Logs = new[] { new { Origin = ledgerKey.Name, Keys = new[] { ledgerKey.ToString() } } },
            },
        }));
        var process = await ServerProcess.StartAsync("mediot-witness", "dotnet", [assembly, "--config", settings], "mediot-witness listening on",
            TimeSpan.FromSeconds(30), folder);
        return new WitnessProcess(process, key, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}
