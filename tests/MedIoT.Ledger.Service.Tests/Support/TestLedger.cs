using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;

namespace MedIoT.Ledger.Service.Tests.Support;

/// <summary>A ledger service running in the test process on a free loopback port, with its own folder and registry.</summary>
internal sealed class TestLedger : IAsyncDisposable
{
    private readonly LedgerServer _server;

    private TestLedger(LedgerServer server, HttpClient http)
    {
        _server = server;
        Http = http;
    }

    public HttpClient Http { get; }

    public Uri Url => _server.Url;

    public NoteVerifierKey VerifierKey => _server.VerifierKey;

    /// <summary>The service's container.</summary>
    public IServiceProvider Services => _server.Services;

    /// <summary>Writes the registry for <paramref name="gateways"/> into <paramref name="folder"/>.</summary>
    public static string WriteRegistry(string folder, IEnumerable<FakeGateway> gateways)
    {
        var path = Path.Combine(folder, "ledger-gateways.json");
        var json = JsonSerializer.Serialize(new { gateways = gateways.Select(g => new { origin = g.Origin, vkey = g.VerifierKey.ToString() }) });
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>The settings of a private ledger in <paramref name="folder"/> (SQLite unless <paramref name="postgres"/> is given).</summary>
    public static Dictionary<string, string?> Settings(string folder, string? postgres = null) => new()
    {
        ["Ledger:Url"] = "http://127.0.0.1:0",
        ["Ledger:Origin"] = "mediot.example/ledger",
        ["Ledger:KeyFile"] = Path.Combine(folder, "keys", "ledger-key.jwk"),
        ["Ledger:RegistryFile"] = Path.Combine(folder, "ledger-gateways.json"),
        ["Ledger:Storage:Provider"] = postgres is null ? "Sqlite" : "Postgres",
        ["Ledger:Storage:SqlitePath"] = Path.Combine(folder, "ledger.db"),
        ["Ledger:Storage:PostgresConnectionString"] = postgres ?? string.Empty,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Starts the ledger of <paramref name="settings"/> once, to create its key (witnesses must trust it before the ledger asks them).</summary>
    public static async Task<NoteVerifierKey> CreateKeyAsync(Dictionary<string, string?> settings)
    {
        await using var ledger = await StartAsync(settings);
        return ledger.VerifierKey;
    }

    /// <summary>Makes <paramref name="witness"/> the ledger's witness number <paramref name="index"/>.</summary>
    public static void AddWitness(Dictionary<string, string?> settings, int index, WitnessProcess witness)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(witness);
        settings[string.Create(CultureInfo.InvariantCulture, $"Ledger:Witnesses:{index}:VerifierKey")] = witness.Key.ToString();
        settings[string.Create(CultureInfo.InvariantCulture, $"Ledger:Witnesses:{index}:Url")] = witness.Url.ToString();
    }

    /// <summary>
    /// Two real witness processes for the ledger of <paramref name="settings"/>, made its witnesses 0 and 1 with one
    /// cosignature required (waited for up to 20 s): the honest one trusts <paramref name="ledgerKey"/>; the refusing one
    /// trusts another key for the ledger's origin, so it answers 403 to every request. The caller disposes both.
    /// </summary>
    public static async Task<(WitnessProcess Honest, WitnessProcess Refusing)> StartHonestAndRefusingWitnessesAsync(
        string folder, Dictionary<string, string?> settings, NoteVerifierKey ledgerKey)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ledgerKey);
        var honest = await WitnessProcess.StartAsync(Path.Combine(folder, "honest"), "witness-a.mediot.example", ledgerKey);
        try
        {
            using var otherKey = MedIoT.Cryptography.Ed25519PrivateKey.Generate();
            var refusing = await WitnessProcess.StartAsync(Path.Combine(folder, "refusing"), "witness-b.mediot.example",
                NoteVerifierKey.Create(ledgerKey.Name, otherKey.PublicKey));
            AddWitness(settings, 0, honest);
            AddWitness(settings, 1, refusing);
            settings["Ledger:RequiredCosignatures"] = "1";
            settings["Ledger:ReceiptCosignatureWaitMilliseconds"] = "20000";
            return (honest, refusing);
        }
        catch
        {
            await honest.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Points the ledger's fork alarm at <paramref name="broker"/> with the ledger's own account (the default user name
    /// mediot-ledger), its password in an owner-only file in <paramref name="folder"/>, as a ward installs it.
    /// </summary>
    public static async Task UseAlarmBrokerAsync(Dictionary<string, string?> settings, string folder, MosquittoServer broker)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(broker);
        settings["Ledger:Alarm:Mqtt:Host"] = broker.Host;
        settings["Ledger:Alarm:Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        var passwordFile = Path.Combine(folder, "mediot-ledger.password");
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        MedIoT.Cryptography.SecretFile.Write(passwordFile, password);
        await broker.AddAccountAsync("mediot-ledger", password);
        settings["Ledger:Alarm:Mqtt:PasswordFile"] = passwordFile;
    }

    public static async Task<TestLedger> StartAsync(Dictionary<string, string?> settings)
    {
        var server = await LedgerServer.StartAsync([], configuration => configuration.AddInMemoryCollection(settings));
        return new TestLedger(server, new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) });
    }

    public async Task<(HttpStatusCode Status, string Body, string? ContentType)> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Anchors the gateway's new checkpoint, asserts 200 and a receipt that verifies; returns the receipt.</summary>
    public async Task<LedgerReceipt> AnchorAsync(FakeGateway gateway, string note, IReadOnlyCollection<WitnessKey>? witnesses = null, int required = 0)
    {
        var (status, body, _) = await PostAsync(gateway.RequestFor(note));
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        Assert.True(LedgerReceipt.TryParse(body, out var receipt), body);
        Assert.Equal(ReceiptFailure.None, receipt.Verify(note, [VerifierKey], "mediot.example/ledger", witnesses ?? [], required));
        Assert.True(Checkpoint.TryParseBody(SignedNote.TryParse(note, out var parsed) ? parsed.Text : null, out var checkpoint));
        gateway.AnchoredSize = checkpoint.Size;
        return receipt;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
