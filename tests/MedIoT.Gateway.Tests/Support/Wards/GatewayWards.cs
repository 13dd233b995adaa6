using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Gateway.Journal;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Mqtt;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// The gateway's options of the one <see cref="WardBuilder"/> (MedIoT.Testing), and typed access to a <see cref="Ward"/>'s
/// gateway. They live here because they need gateway and simulator types, which MedIoT.Testing does not reference.
/// </summary>
/// <remarks>
/// The folder layout of every ward: devices, keys and their broker passwords in <c>ward/</c>, the gateway's broker password in
/// <c>broker/</c>, state in <c>state/</c> (<c>state/journal</c>, <c>state/serial</c>), the gateway's identity in <c>identity/</c>;
/// all of it outlives gateway restarts.
/// </remarks>
internal static class GatewayWards
{
    /// <summary>The folder of the provisioned devices and their registry inside the ward.</summary>
    public const string DevicesFolder = "ward";

    /// <summary>The folder of the gateway's broker account (its password file) inside the ward.</summary>
    public const string BrokerFolder = "broker";

    /// <summary>
    /// The usual ward of the fault, audit and anchoring tests: <paramref name="beds"/> provisioned beds and the built gateway as
    /// a child process (started by the test), writing to <paramref name="database"/>.
    /// </summary>
    public static WardBuilder ChildProcess(int beds, string gatewayId = "gw-child", string database = "mediot_faults") =>
        new WardBuilder("child-gateway").ForGateway(gatewayId, database).WithIdentityName().WithBeds(beds).AsChildProcess();

    extension(WardBuilder builder)
    {
        /// <summary>
        /// The settings every ward's gateway gets: its id, the ward's mosquitto and InfluxDB (<paramref name="database"/>), its broker
        /// account as shipped (<c>mediot-gateway</c>, its password provisioned in <c>broker/</c> and added to the broker), the ward's
        /// folders (its identity key in <c>identity/</c>), short retry delays so that tests of outages run fast, and HTTP on a free
        /// loopback port. The identity keeps the gateway's default name unless <c>WithIdentityName</c> names it.
        /// </summary>
        public WardBuilder ForGateway(string gatewayId, string database) => builder.WithInfluxDatabase(database).Configure(async ward =>
        {
            var brokerFolder = Directory.CreateDirectory(ward.Combine(BrokerFolder)).FullName;
            await ward.Mosquitto.AddAccountsAsync(BrokerAccounts.Write(brokerFolder, [], [BrokerAccounts.Gateway]));
            var settings = ward.Settings;
            settings["Gateway:Mqtt:PasswordFile"] = BrokerAccounts.ServicePasswordPath(brokerFolder, BrokerAccounts.Gateway);
            settings["Gateway:GatewayId"] = gatewayId;
            settings["Gateway:Mqtt:Port"] = Text(ward.Mosquitto.Port);
            settings["Gateway:Mqtt:ReconnectInitialDelayMilliseconds"] = "100";
            settings["Gateway:Mqtt:ReconnectMaximumDelayMilliseconds"] = "500";
            // Without InfluxDB nothing listens at port 1 (a test points the gateway elsewhere).
            settings["Gateway:Influx:Url"] = ward.HasInflux ? ward.Influx.BaseAddress.ToString() : "http://127.0.0.1:1/";
            settings["Gateway:Influx:Database"] = database;
            settings["Gateway:Influx:FlushIntervalMilliseconds"] = "20";
            settings["Gateway:Influx:RetryInitialDelayMilliseconds"] = "50";
            settings["Gateway:Influx:RetryMaximumDelayMilliseconds"] = "500";
            settings["Gateway:Http:Url"] = "http://127.0.0.1:0";
            settings["Gateway:Identity:KeyFile"] = ward.Combine("identity", "gateway-key.jwk");
            settings["Gateway:Serial:StateFolder"] = ward.Combine("state", "serial");
            settings["Gateway:Journal:Folder"] = ward.Combine("state", "journal");
        });

        /// <summary>Names the gateway's identity <c>mediot.example/ward7a/&lt;gatewayId&gt;</c>: the origin of its checkpoints.</summary>
        public WardBuilder WithIdentityName() =>
            builder.Configure(ward => ward.Settings["Gateway:Identity:Name"] = "mediot.example/ward7a/" + ward.Settings["Gateway:GatewayId"]);

        /// <summary>
        /// Provisions a simulated ward 7A of <paramref name="beds"/> signing pulse oximeters (keys, broker passwords and registry in
        /// <c>ward/</c>) and adds their broker accounts to the ward's mosquitto.
        /// </summary>
        public WardBuilder WithBeds(int beds) => builder.Configure(async ward =>
        {
            var devices = WardProvisioner.Provision(ward.Combine(DevicesFolder), "7A", beds);
            await ward.Mosquitto.AddAccountsAsync(ward.Combine(DevicesFolder, BrokerAccounts.PasswordFileName));
            ward.SetFeature(new ProvisionedWard(devices));
            ward.Settings["Gateway:DeviceRegistryPath"] = ward.RegistryPath;
        });

        /// <summary>Adds a gateway-attested pulse oximeter (a serial device: no key, the gateway attests its readings) at 7A/<paramref name="bed"/>.</summary>
        public WardBuilder WithAttestedDevice(string deviceId, string bed) => builder.Configure(async ward =>
        {
            var registry = JsonNode.Parse(await File.ReadAllTextAsync(ward.RegistryPath))!;
            registry["devices"]!.AsArray().Add(new JsonObject
            {
                ["deviceId"] = deviceId, ["kind"] = WardProvisioner.PulseOximeterKind, ["ward"] = "7A", ["bed"] = bed, ["trust"] = "gateway-attested",
            });
            await File.WriteAllTextAsync(ward.RegistryPath, registry.ToJsonString());
        });

        /// <summary>
        /// A serial port of the gateway at 115200 baud for <paramref name="deviceId"/> on the gateway end of the ward's serial
        /// line <paramref name="line"/>; with <paramref name="pluggedInLater"/> the line is not started (the port does not exist
        /// when the gateway starts; the test starts <c>SocatPtyPair</c> in the folder <c>line/</c> later).
        /// </summary>
        public WardBuilder WithSerialPort(string line, string protocol, string deviceId, int noDataTimeoutSeconds, bool pluggedInLater = false)
        {
            if (!pluggedInLater)
            {
                builder.WithSerialLine(line);
            }

            return builder.Configure(ward =>
            {
                var devicePath = pluggedInLater ? Path.Combine(Directory.CreateDirectory(ward.Combine(line)).FullName, "pty-b") : null;
                var index = ward.Settings.Keys.Count(k => k.StartsWith("Gateway:Serial:Ports:", StringComparison.Ordinal) && k.EndsWith(":DeviceId", StringComparison.Ordinal));
                var port = $"Gateway:Serial:Ports:{Text(index)}:";
                ward.Settings[port + "DevicePath"] = devicePath ?? ward.Line(line).PathB;
                ward.Settings[port + "BaudRate"] = "115200";
                ward.Settings[port + "Protocol"] = protocol;
                ward.Settings[port + "DeviceId"] = deviceId;
                ward.Settings[port + "NoDataTimeoutSeconds"] = Text(noDataTimeoutSeconds);
            });
        }

        /// <summary>The gateway host runs in the test process (<see cref="InProcessGateway"/>), started with the ward.</summary>
        public WardBuilder InProcess(Action<IServiceCollection>? services = null, Func<InProcessGateway, Task>? ready = null) =>
            builder.WithGateway(InProcessGateway.Launcher(services, ready), startWithWard: true);

        /// <summary>
        /// The built gateway runs as a child process (<see cref="GatewayProcess"/>) on a fixed free HTTP port, logging a backlog
        /// line every second; it is started by the test (<see cref="Ward.StartGatewayAsync"/>) after any change of settings.
        /// </summary>
        public WardBuilder AsChildProcess() => builder.WithGateway(GatewayProcess.Launcher, startWithWard: false).Configure(ward =>
        {
            ward.Settings["Gateway:Http:Url"] = $"http://127.0.0.1:{Text(FreeTcpPort.Next())}";
            ward.Settings["Gateway:Journal:BacklogLogIntervalSeconds"] = "1";
            ward.Settings["Logging:LogLevel:System.Net.Http"] = "Warning";
            ward.Settings["Logging:LogLevel:Microsoft"] = "Warning";
        });
    }

    extension(Ward ward)
    {
        /// <summary>The devices provisioned by <c>WithBeds</c>.</summary>
        public IReadOnlyList<ProvisionedDevice> Devices => ward.Feature<ProvisionedWard>().Devices;

        /// <summary>The registry file of the ward's devices.</summary>
        public string RegistryPath => ward.Combine(DevicesFolder, WardProvisioner.RegistryFileName);

        /// <summary>The gateway's journal folder.</summary>
        public string JournalFolder => ward.Settings["Gateway:Journal:Folder"];

        /// <summary>The gateway's identity key file.</summary>
        public string IdentityKeyFile => ward.Settings["Gateway:Identity:KeyFile"];

        /// <summary>The gateway's identity name: the origin of its checkpoints and the name of its checkpoint key.</summary>
        public string Origin => ward.Settings["Gateway:Identity:Name"];

        /// <summary>The gateway running in the test process.</summary>
        public InProcessGateway InProcess => ward.Gateway as InProcessGateway
            ?? throw new InvalidOperationException("The ward's gateway is not running in the test process.");

        /// <summary>The gateway running as a child process.</summary>
        public ChildProcessGateway ChildProcess => ward.Gateway as ChildProcessGateway
            ?? throw new InvalidOperationException("The ward's gateway is not running as a child process.");

        public FakeLogCollector Logs => ward.InProcess.Logs;

        public IngestionStatistics Statistics => ward.InProcess.Statistics;

        public SerialStatistics SerialStatistics => ward.InProcess.Service<SerialStatistics>();

        /// <summary>The journal of the running gateway.</summary>
        public GatewayJournal Journal => ward.InProcess.Service<GatewayJournal>();

        /// <summary>The journal and InfluxDB writer counters of the running gateway.</summary>
        public JournalStatistics JournalStatistics => ward.InProcess.Service<JournalStatistics>();

        /// <summary>The gateway's HTTP surface: the port it chose, or the one a child process was given.</summary>
        public Task<Uri> HttpAddress => ward.Gateway is InProcessGateway gateway
            ? gateway.HttpAddress
            : Task.FromResult(new Uri(ward.Settings["Gateway:Http:Url"] + "/"));

        /// <summary>Options of a client with the broker's test account (every topic), for observers and injected traffic.</summary>
        public MqttClientOptions TestClientOptions(string clientId, int? port = null) => new()
        {
            TimeProvider = TimeProvider.System,
            Host = ward.Mosquitto.Host,
            Port = port ?? ward.Mosquitto.Port,
            ClientId = clientId,
            Username = ward.Mosquitto.TestAccount!.Username,
            Password = ward.Mosquitto.TestAccount.Password,
        };

        /// <summary>Connects a provisioned simulated device to the broker.</summary>
        public Task<SimulatedDevice> ConnectDeviceAsync(int index) =>
            SimulatedDevice.ConnectAsync(ward.Devices[index], ward.Mosquitto.Host, ward.Mosquitto.Port, TimeProvider.System, null, CancellationToken.None);

        /// <summary>The journal's checkpoint key (the gateway must have created its identity).</summary>
        public NoteVerifierKey CheckpointKey()
        {
            using var identity = GatewayIdentity.LoadOrCreate(ward.IdentityKeyFile, ward.Origin, out _);
            return NoteVerifierKey.Create(ward.Origin, identity.PublicKey);
        }

        /// <summary><c>GET /health</c> of the running gateway.</summary>
        public async Task<JsonElement> GetHealthAsync() =>
            await ward.Http.GetFromJsonAsync<JsonElement>(new Uri(await ward.HttpAddress, "health"));

        /// <summary>How many readings InfluxDB holds.</summary>
        public async Task<long> CountReadingsAsync()
        {
            var rows = await ward.Influx.QueryAsync(ward.InfluxDatabase, "SELECT COUNT(\"value\") FROM vitals");
            return rows.Count == 0 ? 0 : rows[0].Columns["count"].GetInt64();
        }

        /// <summary>Runs <c>MedIoT.Gateway audit</c> with the gateway's settings (as a separate process, beside the running gateway).</summary>
        public Task<(int ExitCode, string Output, string Error)> RunAuditAsync(params string[] arguments) =>
            CommandLine.RunAsync("dotnet", [GatewayProcess.AssemblyPath, "audit", .. arguments], GatewayProcess.Environment(ward.Settings), ward.Folder);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>What <c>WithBeds</c> provisioned.</summary>
    private sealed record ProvisionedWard(IReadOnlyList<ProvisionedDevice> Devices);
}
