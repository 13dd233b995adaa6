using System.Globalization;
using System.Net;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// The real hospital ledger service (<c>dotnet mediot-ledger.dll</c>, docs/ledger-service.md) as a child process in a
/// private folder, on a fixed loopback port so that it can be stopped (the ledger is unreachable) and started again on
/// the same database. Its key is created here (the service loads it) so that the witnesses can trust it before the
/// ledger first starts; the gateway registry is written from the gateways' checkpoint keys. SQLite unless a PostgreSQL
/// connection string is given.
/// </summary>
internal sealed class LedgerServiceProcess : IAsyncDisposable
{
    public const string Origin = "mediot.example/ledger";

    private readonly string _folder;
    private readonly string _keyFile;
    private readonly Dictionary<string, string> _environment;
    private readonly List<NoteVerifierKey> _gateways = [];
    private readonly List<WitnessProcess> _witnesses = [];
    private readonly HttpClient _http;
    private ServerProcess? _process;

    public LedgerServiceProcess(string folder, string? postgresConnectionString = null)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "ledger-key.jwk");
        _keyFile = keyFile;
        using (var key = Ed25519PrivateKey.Generate())
        {
            PrivateKeyFile.Write(keyFile, key);
            VerifierKey = NoteVerifierKey.Create(Origin, key.PublicKey);
        }

        Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreeTcpPort.Next()}/"));
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(10) };
        _environment = new Dictionary<string, string>
        {
            ["MEDIOT_Ledger__Url"] = Url.GetLeftPart(UriPartial.Authority),
            ["MEDIOT_Ledger__Origin"] = Origin,
            ["MEDIOT_Ledger__KeyFile"] = keyFile,
            ["MEDIOT_Ledger__RegistryFile"] = Path.Combine(folder, "ledger-gateways.json"),
            ["MEDIOT_Ledger__Storage__Provider"] = postgresConnectionString is null ? "Sqlite" : "Postgres",
            ["MEDIOT_Ledger__Storage__SqlitePath"] = Path.Combine(folder, "ledger.db"),
            ["MEDIOT_Ledger__Storage__PostgresConnectionString"] = postgresConnectionString ?? string.Empty,
            ["MEDIOT_Ledger__ReceiptCosignatureWaitMilliseconds"] = "20000",
            ["MEDIOT_Logging__LogLevel__Default"] = "Information",
            ["MEDIOT_Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
    }

    public Uri Url { get; }

    public NoteVerifierKey VerifierKey { get; }

    /// <summary>The ledger's private key, for a test that signs what only the ledger (or a thief of its key) could sign.</summary>
    public Ed25519PrivateKey ReadKey() => PrivateKeyFile.Read(_keyFile);

    /// <summary>How many witness cosignatures the ledger's policy requires (set before <see cref="StartAsync"/>).</summary>
    public int RequiredCosignatures { get; set; }

    /// <summary>The ledger's recent log lines.</summary>
    public string RecentOutput => _process?.RecentOutput ?? "(not running)";

    /// <summary>Registers a gateway's checkpoint key (origin = key name); takes effect at the next start.</summary>
    public void Register(NoteVerifierKey gatewayKey) => _gateways.Add(gatewayKey);

    /// <summary>Asks <paramref name="witness"/> to cosign the ledger's checkpoints; takes effect at the next start.</summary>
    public void AddWitness(WitnessProcess witness) => _witnesses.Add(witness);

    /// <summary>Writes the registry and the witness settings and starts the service; returns once it listens.</summary>
    public async Task StartAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "ledger-gateways.json"),
            JsonSerializer.Serialize(new { gateways = _gateways.Select(g => new { origin = g.Name, vkey = g.ToString() }) }));
        var environment = new Dictionary<string, string>(_environment)
        {
            ["MEDIOT_Ledger__RequiredCosignatures"] = RequiredCosignatures.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < _witnesses.Count; i++)
        {
            environment[string.Create(CultureInfo.InvariantCulture, $"MEDIOT_Ledger__Witnesses__{i}__VerifierKey")] = _witnesses[i].Key.ToString();
            environment[string.Create(CultureInfo.InvariantCulture, $"MEDIOT_Ledger__Witnesses__{i}__Url")] = _witnesses[i].Url.ToString();
        }

        _process = await ServerProcess.StartAsync("mediot-ledger", "dotnet", [RepositoryLayout.BuiltAssembly("ledger/MedIoT.Ledger.Service", "mediot-ledger.dll")],
            "Ledger listening on", TimeSpan.FromSeconds(60), _folder, environment);
    }

    /// <summary>Stops the service with SIGTERM: connections are refused until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(TimeSpan.FromSeconds(30));
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary><c>GET /anchored?origin=</c>: the latest size the ledger anchored for <paramref name="origin"/>.</summary>
    public async Task<long> AnchoredAsync(string origin)
    {
        using var response = await _http.GetAsync(new Uri("anchored?origin=" + Uri.EscapeDataString(origin), UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /anchored for {origin}: {(int)response.StatusCode} {body}");
        Assert.Equal("text/x.tlog.size", response.Content.Headers.ContentType?.MediaType);
        return long.Parse(body.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary><c>GET /health</c> of the running service.</summary>
    public async Task<JsonElement> HealthAsync()
    {
        using var response = await _http.GetAsync(new Uri("health", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
    }
}
