using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// The project's real witness (<c>dotnet mediot-witness.dll</c>, docs/witness.md) as a child process: its own key
/// (created by its <c>keygen</c> command), state and evidence folders, trusting the ledger's key for the ledger's origin.
/// </summary>
internal sealed class WitnessProcess : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private WitnessProcess(ServerProcess process, string name, WitnessKey key, Uri url)
    {
        _process = process;
        Name = name;
        Key = key;
        Url = url;
    }

    /// <summary>The witness's name (the name of its cosignature lines).</summary>
    public string Name { get; }

    /// <summary>The witness's cosignature/v1 verifier key.</summary>
    public WitnessKey Key { get; }

    /// <summary>The witness's base address (requests go to <c>&lt;Url&gt;add-checkpoint</c>).</summary>
    public Uri Url { get; }

    public static string AssemblyPath => Built("MedIoT.Ledger.Witness", "mediot-witness.dll");

    /// <summary>A built assembly of the repository next to this test's configuration, or a clear failure naming the build command.</summary>
    public static string Built(string project, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(RepositoryLayout.Root, "ledger", project, "bin", configuration, "net10.0", assembly);
        return File.Exists(path) ? path
            : throw new InvalidOperationException($"{assembly} is not built at '{path}'. Build it: dotnet build ledger/{project} -c {configuration}");
    }

    public static async Task<WitnessProcess> StartAsync(string folder, string name, NoteVerifierKey ledgerKey)
    {
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "key", "witness.jwk");
        using (var keygen = Process.Start(new ProcessStartInfo("dotnet", [AssemblyPath, "keygen", "--key", keyFile, "--name", name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            var errors = keygen.StandardError.ReadToEndAsync();
            var vkey = (await keygen.StandardOutput.ReadToEndAsync()).Trim();
            await keygen.WaitForExitAsync();
            Assert.True(WitnessKey.TryParse(vkey, out var parsed, out var error), $"keygen printed '{vkey}' ({error}): {await errors}");
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
            var process = await ServerProcess.StartAsync("mediot-witness", "dotnet", [AssemblyPath, "--config", settings], "mediot-witness listening on",
                TimeSpan.FromSeconds(30), folder);
            return new WitnessProcess(process, name, parsed, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        }
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}
