using System.Globalization;
using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// A ward for the alert integration tests (<see cref="WardBuilder"/>): a real mosquitto and influxd for the test class, and
/// a registry with a signing key for every device of every scenario in configs/scenarios/ plus an oximeter on beds 01–08
/// of ward 7A. Gateways run in the test process, started per test (<see cref="StartGatewayAsync"/>) with a fake alert
/// clock, one after the other, each with folders of its own.
/// </summary>
public sealed class AlertWardFixture() : Ward(new WardBuilder("alert-ward")
    .ForGateway("gw-alerts", "mediot_alerts")
    .WithSetting("Gateway:Alerts:RulesPath", Path.Combine(RepositoryLayout.Configs, "alert-rules.json"))
    .WithGateway(InProcessGateway.Launcher(), startWithWard: false)), IAsyncLifetime
{
    public const string Ward = "7A";

    /// <summary>A gateway-attested serial oximeter at bed 06 (no key: the gateway attests its readings).</summary>
    public const string SerialDeviceId = "test-7a-06-nonin";

    private readonly Dictionary<string, ProvisionedDevice> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _registryEntries = new(StringComparer.Ordinal);
    private int _gateways;

    public string RegistryPath => Combine(WardProvisioner.RegistryFileName);

    public IReadOnlyDictionary<string, ProvisionedDevice> Devices => _devices;

    /// <summary>The broker accounts of <see cref="Devices"/> (mosquitto.passwd), for a test that replaced some to add them back.</summary>
    public string BrokerPasswordFile { get; private set; } = string.Empty;

    public static string ScenarioPath(string file) => Path.Combine(RepositoryLayout.Configs, "scenarios", file);

    public static IEnumerable<string> ScenarioFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryLayout.Configs, "scenarios"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await StartAsync();
        var places = new Dictionary<string, (string Ward, string Bed)>(StringComparer.Ordinal);
        foreach (var file in ScenarioFiles())
        {
            var scenario = Scenario.Load(ScenarioPath(file));
            foreach (var deviceId in scenario.Tracks.Select(track => track.DeviceId))
            {
                places[deviceId] = (scenario.Ward, scenario.Bed);
            }
        }

        for (var bed = 1; bed <= 8; bed++)
        {
            places[$"test-7a-{bed:00}-spo2"] = (Ward, bed.ToString("00", CultureInfo.InvariantCulture));
        }

        var keys = Directory.CreateDirectory(Combine("keys"));
        if (!OperatingSystem.IsWindows())
        {
            keys.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
        foreach (var (deviceId, (ward, bed)) in places)
        {
            var keyPath = Path.Combine(keys.FullName, deviceId + ".jwk");
            using var key = Ed25519PrivateKey.Generate();
            PrivateKeyFile.Write(keyPath, key);
            _devices[deviceId] = new ProvisionedDevice(deviceId, WardProvisioner.PulseOximeterKind, ward, bed, keyPath);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteString("deviceId", deviceId);
                writer.WriteString("kind", WardProvisioner.PulseOximeterKind);
                writer.WriteString("ward", ward);
                writer.WriteString("bed", bed);
                writer.WritePropertyName("publicKey");
                writer.WriteRawValue(OkpJsonWebKey.FormatPublic(key.PublicKey));
                writer.WriteBoolean("revoked", false);
                writer.WriteEndObject();
            }

            _registryEntries[deviceId] = Encoding.UTF8.GetString(stream.ToArray());
        }

        _registryEntries[SerialDeviceId] = $$"""{ "deviceId": "{{SerialDeviceId}}", "kind": "pulse-oximeter", "ward": "7A", "bed": "06", "trust": "gateway-attested" }""";
        await WriteRegistryAsync(RegistryPath, _registryEntries.Keys);

        // Every device's broker account, as provisioning makes them; the gateways' own account as shipped, plus the grant an
        // operator adds for another Gateway:Alerts:TopicPrefix (each test's gateway has its own, test<n>/v1).
        BrokerPasswordFile = BrokerAccounts.Write(Folder, _devices.Values, []);
        await Mosquitto.AddAccountsAsync(BrokerPasswordFile);
        await Mosquitto.AddAclAsync(["user " + BrokerAccounts.Gateway, "topic write +/v1/alerts/#", "topic write +/v1/escalations/#", "topic write +/v1/it/#"]);
    }

    /// <summary>Writes a registry of the given devices of this ward (each with its key) to <paramref name="path"/>.</summary>
    public Task WriteRegistryAsync(string path, IEnumerable<string> deviceIds) =>
        File.WriteAllTextAsync(path, "{ \"devices\": [\n" + string.Join(",\n", deviceIds.Select(id => _registryEntries[id])) + "\n] }\n");

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>
    /// Starts a gateway on this ward with a fake alert clock (or <paramref name="alertClock"/>); <paramref name="settings"/>
    /// adds or replaces settings. With <paramref name="devices"/> the gateway's registry holds only those devices: the
    /// gateway watches every registered device from its start, so the others would raise <em>device silent</em>.
    /// </summary>
    public async Task<AlertGateway> StartGatewayAsync(
        IReadOnlyDictionary<string, string>? settings = null, TimeProvider? alertClock = null, IEnumerable<string>? devices = null,
        Action<IServiceCollection>? services = null)
    {
        var number = Interlocked.Increment(ref _gateways);
        var registry = RegistryPath;
        if (devices is not null)
        {
            registry = Combine($"registry-{number}.json");
            await WriteRegistryAsync(registry, devices);
        }

        var all = new Dictionary<string, string>
        {
            ["Gateway:GatewayId"] = $"gw-alerts-{number}",
            ["Gateway:DeviceRegistryPath"] = registry,
            ["Gateway:Alerts:TopicPrefix"] = $"test{number}/v1",
            ["Gateway:Alerts:OutboxFolder"] = Combine($"outbox-{number}"),
            ["Gateway:Journal:Folder"] = Combine($"journal-{number}"),
            ["Gateway:Identity:KeyFile"] = Combine($"identity-{number}", "gateway-key.jwk"),
            ["Gateway:Serial:StateFolder"] = Combine($"serial-{number}"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return await AlertGateway.StartAsync(this, all, alertClock, services);
    }

    /// <summary>The next sequence number of a device (kept across gateways, as a device keeps it across gateway restarts).</summary>
    public long NextSequence(string deviceId)
    {
        lock (_sequences)
        {
            _sequences[deviceId] = _sequences.GetValueOrDefault(deviceId) + 1;
            return _sequences[deviceId];
        }
    }
}
