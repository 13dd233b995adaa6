using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Identity;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// A ward whose gateway is a real child process (<see cref="GatewayProcess"/>): real mosquitto and influxd on free
/// loopback ports, a provisioned simulated ward, and the gateway's state (journal, identity) in a private folder that
/// outlives gateway restarts.
/// </summary>
internal sealed class ChildGatewayWard : IAsyncDisposable
{
    public const string Database = "mediot_faults";
    public const string IdentityName = "mediot.example/ward7a/gw-child";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("child-gateway");
    private readonly HttpClient _http = new();

    private readonly InfluxServer? _influx;
    private readonly bool _ownsInflux;

    private ChildGatewayWard(MosquittoServer mosquitto, InfluxServer? influx, bool ownsInflux, string origin, string influxDatabase)
    {
        Mosquitto = mosquitto;
        _influx = influx;
        _ownsInflux = ownsInflux;
        Origin = origin;
        InfluxDatabase = influxDatabase;
        HttpAddress = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/");
    }

    /// <summary>The gateway's identity name: the origin of its checkpoints and the name of its checkpoint key.</summary>
    public string Origin { get; }

    /// <summary>The InfluxDB database the gateway writes to.</summary>
    public string InfluxDatabase { get; }

    public MosquittoServer Mosquitto { get; }

    public InfluxServer Influx => _influx ?? throw new InvalidOperationException("This ward was started without InfluxDB.");

    public IReadOnlyList<ProvisionedDevice> Devices { get; private set; } = [];

    public GatewayProcess? Gateway { get; private set; }

    public Uri HttpAddress { get; }

    public string JournalFolder => _folder.Combine("state", "journal");

    public string IdentityKeyFile => _folder.Combine("identity", "gateway-key.jwk");

    /// <summary>Settings of the gateway (change them before <see cref="StartGatewayAsync"/>).</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>
    /// Starts the servers (InfluxDB unless <paramref name="withInflux"/> is false; <paramref name="sharedInflux"/>, owned by
    /// the caller, instead when given, with a database of this gateway's own) and provisions <paramref name="beds"/> devices.
    /// Several wards in one test give each gateway its own <paramref name="gatewayId"/> (its identity is
    /// <c>mediot.example/ward7a/&lt;gatewayId&gt;</c>).
    /// </summary>
    public static async Task<ChildGatewayWard> StartAsync(int beds, IEnumerable<string>? mosquittoConfiguration = null, bool withInflux = true,
        string gatewayId = "gw-child", InfluxServer? sharedInflux = null)
    {
        var mosquitto = MosquittoServer.StartAsync(mosquittoConfiguration);
        var influx = sharedInflux ?? (withInflux ? await InfluxServer.StartAsync() : null);
        var ward = new ChildGatewayWard(await mosquitto, influx, sharedInflux is null, "mediot.example/ward7a/" + gatewayId,
            sharedInflux is null ? Database : "mediot_" + gatewayId.Replace('-', '_'));
        ward.Devices = WardProvisioner.Provision(ward._folder.Combine("ward"), "7A", beds);
        var settings = ward.Settings;
        settings["Gateway:GatewayId"] = gatewayId;
        settings["Gateway:DeviceRegistryPath"] = ward._folder.Combine("ward", WardProvisioner.RegistryFileName);
        settings["Gateway:Mqtt:Port"] = Text(ward.Mosquitto.Port);
        settings["Gateway:Mqtt:ReconnectInitialDelayMilliseconds"] = "100";
        settings["Gateway:Mqtt:ReconnectMaximumDelayMilliseconds"] = "500";
        settings["Gateway:Influx:Url"] = influx?.BaseAddress.ToString() ?? "http://127.0.0.1:1/";
        settings["Gateway:Influx:Database"] = ward.InfluxDatabase;
        settings["Gateway:Influx:FlushIntervalMilliseconds"] = "20";
        settings["Gateway:Influx:RetryInitialDelayMilliseconds"] = "50";
        settings["Gateway:Influx:RetryMaximumDelayMilliseconds"] = "500";
        settings["Gateway:Http:Url"] = ward.HttpAddress.GetLeftPart(UriPartial.Authority);
        settings["Gateway:Identity:KeyFile"] = ward.IdentityKeyFile;
        settings["Gateway:Identity:Name"] = ward.Origin;
        settings["Gateway:Serial:StateFolder"] = ward._folder.Combine("state", "serial");
        settings["Gateway:Journal:Folder"] = ward.JournalFolder;
        settings["Gateway:Journal:BacklogLogIntervalSeconds"] = "1";
        settings["Logging:LogLevel:System.Net.Http"] = "Warning";
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        return ward;
    }

    public async Task StartGatewayAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        Gateway = await GatewayProcess.StartAsync(_folder.Path, Settings);
    }

    /// <summary>Runs <c>MedIoT.Gateway audit</c> with the gateway's settings (as a separate process, beside the running gateway).</summary>
    public Task<(int ExitCode, string Output, string Error)> RunAuditAsync(params string[] arguments) =>
        CommandLine.RunAsync("dotnet", [GatewayProcess.AssemblyPath, "audit", .. arguments], GatewayProcess.Environment(Settings), _folder.Path);

    /// <summary>The registry file of the ward's devices.</summary>
    public string RegistryPath => _folder.Combine("ward", WardProvisioner.RegistryFileName);

    /// <summary>The journal's checkpoint key (the gateway must have created its identity).</summary>
    public NoteVerifierKey CheckpointKey()
    {
        using var identity = GatewayIdentity.LoadOrCreate(IdentityKeyFile, Origin, out _);
        return NoteVerifierKey.Create(Origin, identity.PublicKey);
    }

    /// <summary><c>GET /health</c> of the running gateway.</summary>
    public async Task<JsonElement> GetHealthAsync() =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri(HttpAddress, "health"));

    /// <summary>How many readings InfluxDB holds.</summary>
    public async Task<long> CountReadingsAsync()
    {
        var rows = await Influx.QueryAsync(InfluxDatabase, "SELECT COUNT(\"value\") FROM vitals");
        return rows.Count == 0 ? 0 : rows[0].Columns["count"].GetInt64();
    }

    public Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>
    /// Re-checks <paramref name="condition"/> every 50 ms until it holds (the gateway is another process: there is no event
    /// to await), at most <see cref="Timeout"/>.
    /// </summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(Timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Waited {Timeout.TotalSeconds:0} s for {what}. The gateway's log:{Environment.NewLine}{Gateway?.RecentOutput}");
            }

            await timer.WaitForNextTickAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Mosquitto.DisposeAsync();
        if (_influx is not null && _ownsInflux)
        {
            await _influx.DisposeAsync();
        }

        _http.Dispose();
        _folder.Dispose();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
