using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Testing;

/// <summary>
/// The project's real witness (<c>dotnet mediot-witness.dll</c>, docs/witness.md) as a child process: its own key
/// (created by its <c>keygen</c> command), state and evidence folders, trusting the ledger's key for the ledger's origin.
/// </summary>
public sealed class WitnessProcess : IAsyncDisposable
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

    /// <summary>Creates the witness's key with <c>keygen</c> in <paramref name="folder"/> and starts it on a free loopback port.</summary>
    public static async Task<WitnessProcess> StartAsync(string folder, string name, NoteVerifierKey ledgerKey)
    {
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "key", "witness.jwk");
        using (var keygen = Process.Start(new ProcessStartInfo("dotnet", [Assembly, "keygen", "--key", keyFile, "--name", name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            var errors = keygen.StandardError.ReadToEndAsync();
            var vkey = (await keygen.StandardOutput.ReadToEndAsync()).Trim();
            await keygen.WaitForExitAsync();
            if (!WitnessKey.TryParse(vkey, out var parsed, out var error))
            {
                throw new InvalidOperationException($"mediot-witness keygen printed '{vkey}' ({error}): {await errors}");
            }

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
            var process = await ServerProcess.StartAsync("mediot-witness", "dotnet", [Assembly, "--config", settings], "mediot-witness listening on",
                TimeSpan.FromSeconds(30), folder);
            return new WitnessProcess(process, name, parsed, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _process.DisposeAsync();

    private static string Assembly => RepositoryLayout.BuiltAssembly("ledger/MedIoT.Ledger.Witness", "mediot-witness.dll");
}
