using System.Globalization;
using System.Net;
using System.Text.Json;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Storage;
using MedIoT.Mqtt;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Arm64;

/// <summary>
/// One life of the released linux-arm64 gateway, run by <c>qemu-aarch64-static</c> on a ward of real mosquitto and influxd
/// on loopback, recorded for <see cref="Arm64GatewayTests"/>: started once (the emulator makes a start cost seconds), the
/// simulator's devices (x64, from the solution build) publish signed frames, bed 01 desaturates until its alarm is raised,
/// <c>/health</c> is read, the gateway is stopped with SIGTERM, and its journal is read back from disk, by this process and by
/// the arm64 gateway's own <c>audit</c> command.
/// </summary>
public sealed class Arm64GatewayRun : IAsyncLifetime
{
    /// <summary>The ward's beds: bed 01 desaturates, the others send the simulator's normal readings.</summary>
    public const int Beds = 4;

    /// <summary>Frames each bed other than 01 publishes.</summary>
    public const int FramesPerBed = 25;

    /// <summary>The InfluxDB database of the ward.</summary>
    public const string Database = "mediot_arm64";

    private const string JournalFolderSetting = "Gateway:Journal:Folder";

    /// <summary>The alarm condition of SpO2 below a limit (docs/alerts.md §1, "Outputs").</summary>
    public const string DesaturationCondition = "vital-below/150456";

    /// <summary>
    /// Bounds a start under the emulator, of the gateway and of its audit command: about 9 s on a quiet 2-core machine, 28 to 85 s
    /// on one loaded to 11-24 (docs/benchmarks/release.md).
    /// </summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(180);

    /// <summary>SIGTERM to exit: the journal's last group commit and its final checkpoint, emulated.</summary>
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Desaturation: below the high limit of configs/alert-rules.json (SpO2 &lt; 85 % for 10 s), sampled twice a second.</summary>
    private static readonly (int Code, double Value)[] s_desaturated = [(MdcCodes.OxygenSaturation, 80), (MdcCodes.PulseRateOximeter, 78)];

    private Ward? _ward;
    private ServerProcess? _gateway;
    private IReadOnlyList<ProvisionedDevice> _devices = [];

    /// <summary>The emulator the gateway ran under.</summary>
    public string Emulator { get; private set; } = string.Empty;

    /// <summary>Where <c>/proc/PID/exe</c> of the running gateway pointed.</summary>
    public string ExecutableLink { get; private set; } = string.Empty;

    /// <summary>The files mapped into the running gateway's address space (<c>/proc/PID/maps</c>).</summary>
    public IReadOnlySet<string> MappedFiles { get; private set; } = new HashSet<string>();

    /// <summary>The status and body of <c>GET /health</c> once every frame was stored.</summary>
    public (HttpStatusCode Status, JsonElement Body) Health { get; private set; }

    /// <summary>Signed frames the devices published (acknowledged by the broker), and the readings in them.</summary>
    public (long Frames, long Readings) Published { get; private set; }

    /// <summary>The frames each device published, by device id.</summary>
    public IReadOnlyDictionary<string, long> FramesByDevice { get; private set; } = new Dictionary<string, long>();

    /// <summary>Readings of measurement <c>vitals</c> in InfluxDB, per device.</summary>
    public IReadOnlyDictionary<string, long> ReadingsInInflux { get; private set; } = new Dictionary<string, long>();

    /// <summary>The <c>raised</c> event of SpO2 below its limit on <c>mediot/v1/alerts/7A/01/events</c>.</summary>
    public JsonElement RaisedEvent { get; private set; }

    /// <summary>The gateway's exit code after SIGTERM, and what it printed last.</summary>
    public (int ExitCode, string Output) Stop { get; private set; }

    /// <summary>The journal read from disk after the stop: frame entries (device, sequence) and alarm event entries.</summary>
    public (IReadOnlyList<(string DeviceId, long Sequence)> Frames, int AlarmEvents) Journal { get; private set; }

    /// <summary>The arm64 gateway's <c>audit</c> command over all time, run after the stop on the same journal and InfluxDB.</summary>
    public (int ExitCode, string Output, string Error) Audit { get; private set; }

    /// <summary>The release's publish folder of the arm64 gateway.</summary>
    public static string GatewayFolder => Path.GetDirectoryName(QemuArm64.GatewayPath)!;

    public async Task InitializeAsync()
    {
        Emulator = QemuArm64.RequireEmulator();
        var gatewayPath = QemuArm64.GatewayPath;
        _ward = await new WardBuilder("arm64-gateway").WithInfluxDatabase(Database).Configure(ConfigureAsync).StartAsync();
        try
        {
            await RunAsync(_ward, gatewayPath);
        }
        catch (Exception failure)
        {
            var output = _gateway?.RecentOutput;
            await DisposeAsync(); // the gateway, mosquitto and influxd end with the failed run, whatever xunit does with a failed fixture
            throw new InvalidOperationException($"{failure.Message}{Environment.NewLine}The arm64 gateway's output:{Environment.NewLine}{output}", failure);
        }
    }

    public async Task DisposeAsync()
    {
        if (_gateway is { } gateway)
        {
            _gateway = null;
            await gateway.DisposeAsync();
        }

        if (_ward is { } ward)
        {
            _ward = null;
            await ward.DisposeAsync();
        }
    }

    /// <summary>The ward: provisioned beds and the gateway's broker account, and the gateway's settings as a ward's operator writes them.</summary>
    private async Task ConfigureAsync(Ward ward)
    {
        var wardFolder = ward.Combine("ward");
        _devices = WardProvisioner.Provision(wardFolder, "7A", Beds, serviceAccounts: [BrokerAccounts.Gateway]);
        await ward.Mosquitto.AddAccountsAsync(Path.Combine(wardFolder, BrokerAccounts.PasswordFileName));
        var settings = ward.Settings;
        settings["Gateway:GatewayId"] = "gw-arm64";
        settings["Gateway:DeviceRegistryPath"] = Path.Combine(wardFolder, WardProvisioner.RegistryFileName);
        settings["Gateway:Mqtt:Port"] = Text(ward.Mosquitto.Port);
        settings["Gateway:Mqtt:PasswordFile"] = BrokerAccounts.ServicePasswordPath(wardFolder, BrokerAccounts.Gateway);
        settings["Gateway:Influx:Url"] = ward.Influx.BaseAddress.ToString();
        settings["Gateway:Influx:Database"] = Database;
        settings["Gateway:Influx:FlushIntervalMilliseconds"] = "20";
        settings["Gateway:Http:Url"] = $"http://127.0.0.1:{Text(FreeTcpPort.Next())}";
        settings["Gateway:Identity:KeyFile"] = ward.Combine("identity", "gateway-key.jwk");
        settings["Gateway:Identity:Name"] = "mediot.example/ward7a/gw-arm64";
        settings[JournalFolderSetting] = ward.Combine("state", "journal");
        settings["Gateway:Serial:StateFolder"] = ward.Combine("state", "serial");
        settings["Gateway:Alerts:OutboxFolder"] = ward.Combine("state", "alerts-outbox");
        settings["Gateway:Alerts:RulesPath"] = Path.Combine(RepositoryLayout.Configs, "alert-rules.json");
        settings["Logging:LogLevel:Microsoft"] = "Warning";
        settings["Logging:LogLevel:System.Net.Http"] = "Warning";
    }

    private async Task RunAsync(Ward ward, string gatewayPath)
    {
        var environment = ChildProcessGateway.Environment(ward.Settings);
        _gateway = await ServerProcess.StartAsync("arm64 gateway", Emulator, [gatewayPath], "MQTT subscribed", s_startTimeout, ward.Folder, environment);
        ExecutableLink = File.ResolveLinkTarget($"/proc/{_gateway.ProcessId}/exe", returnFinalTarget: false)?.FullName ?? string.Empty;
        MappedFiles = (await File.ReadAllLinesAsync($"/proc/{_gateway.ProcessId}/maps"))
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5])
            .ToHashSet(StringComparer.Ordinal);

        await using var observer = new MqttClient(new MqttClientOptions
        {
            TimeProvider = TimeProvider.System,
            Host = ward.Mosquitto.Host,
            Port = ward.Mosquitto.Port,
            ClientId = "arm64-observer",
            Username = ward.Mosquitto.TestAccount!.Username,
            Password = ward.Mosquitto.TestAccount.Password,
        });
        await observer.ConnectAsync(CancellationToken.None);
        await observer.SubscribeAsync([new MqttTopicFilter("mediot/v1/alerts/7A/01/events", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);

        var devices = new List<SimulatedDevice>();
        try
        {
            foreach (var device in _devices)
            {
                devices.Add(await SimulatedDevice.ConnectAsync(device, ward.Mosquitto.Host, ward.Mosquitto.Port, TimeProvider.System, null, CancellationToken.None));
            }

            using var bound = new CancellationTokenSource(Ward.Timeout);
            var raised = WaitForRaisedAsync(observer, bound.Token);
            var normal = devices.Skip(1).Select(device => PublishNormalAsync(device, bound.Token)).ToList();
            var desaturatedReadings = await DesaturateUntilAsync(devices[0], raised, bound.Token);
            var normalReadings = await Task.WhenAll(normal);
            RaisedEvent = await raised;

            Published = (devices.Sum(device => device.FramesPublished), desaturatedReadings + normalReadings.Sum());
            FramesByDevice = devices.ToDictionary(device => device.Device.DeviceId, device => device.FramesPublished, StringComparer.Ordinal);
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }

        await ward.WaitForAsync(async () => (await CountReadingsAsync(ward)).Values.Sum() >= Published.Readings, $"{Published.Readings} readings in InfluxDB");
        ReadingsInInflux = await CountReadingsAsync(ward);
        using (var response = await ward.Http.GetAsync(new Uri(new Uri(ward.Settings["Gateway:Http:Url"]), "/health")))
        {
            Health = (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        await _gateway.StopAsync(s_stopTimeout);
        Stop = (_gateway.ExitCode, _gateway.RecentOutput);
        Journal = ReadJournal(ward.Settings[JournalFolderSetting]);
        Audit = await CommandLine.RunAsync(Emulator, [gatewayPath, "audit", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"],
            environment, ward.Folder, timeout: s_startTimeout);
    }

    private static async Task<long> PublishNormalAsync(SimulatedDevice device, CancellationToken cancellationToken)
    {
        long readings = 0;
        for (var frame = 0; frame < FramesPerBed; frame++)
        {
            readings += (await device.PublishNextAsync(cancellationToken)).Observations.Count;
        }

        return readings;
    }

    /// <summary>Bed 01's oximeter reports a desaturation twice a second (its sample rate) until the alarm was raised; returns the readings sent.</summary>
    private static async Task<long> DesaturateUntilAsync(SimulatedDevice device, Task raised, CancellationToken cancellationToken)
    {
        using var sampling = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        long readings = 0;
        while (!raised.IsCompleted)
        {
            await device.PublishReadingsAsync(TimeProvider.System.GetUtcNow(), s_desaturated, null, cancellationToken);
            readings += s_desaturated.Length;
            await sampling.WaitForNextTickAsync(cancellationToken);
        }

        return readings;
    }

    private static async Task<JsonElement> WaitForRaisedAsync(MqttClient observer, CancellationToken cancellationToken)
    {
        await foreach (var message in observer.Messages.ReadAllAsync(cancellationToken))
        {
            var document = JsonDocument.Parse(message.Payload).RootElement;
            if (document.GetProperty("event").GetString() == "raised"
                && document.GetProperty("alarm").GetProperty("condition").GetString() == DesaturationCondition)
            {
                return document.Clone();
            }
        }

        throw new InvalidOperationException($"The observer's connection ended before {DesaturationCondition} was raised.");
    }

    private static async Task<Dictionary<string, long>> CountReadingsAsync(Ward ward)
    {
        var rows = await ward.Influx.QueryAsync(Database, "SELECT COUNT(\"value\") FROM vitals GROUP BY device");
        return rows.ToDictionary(row => row.Tags["device"], row => row.Columns["count"].GetInt64(), StringComparer.Ordinal);
    }

    private static (IReadOnlyList<(string DeviceId, long Sequence)> Frames, int AlarmEvents) ReadJournal(string journalFolder)
    {
        using var log = MerkleLogReader.Open(Path.Combine(journalFolder, "log"));
        var frames = new List<(string, long)>();
        var alarmEvents = 0;
        for (long index = 0; index < log.Size; index++)
        {
            var bytes = log.ReadEntry(index);
            if (AlarmEventEntry.IsGatewayEvent(bytes))
            {
                alarmEvents += AlarmEventEntry.TryDecode(bytes, out _, out var alarmFailure) ? 1
                    : throw new InvalidDataException($"Journal entry {index} is not a valid alarm event: {alarmFailure}.");
            }
            else
            {
                frames.Add(LedgerEntry.TryDecode(bytes, out var entry, out var failure) ? (entry.DeviceId, entry.SequenceNumber)
                    : throw new InvalidDataException($"Journal entry {index} is not a valid frame entry: {failure}."));
            }
        }

        return (frames, alarmEvents);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
