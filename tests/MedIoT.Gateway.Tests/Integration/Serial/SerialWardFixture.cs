using System.Globalization;
using System.Text.Json.Nodes;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.FirmwareSim.Serial;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Serial;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedIoT.Gateway.Tests.Integration.Serial;

/// <summary>
/// Three bedside devices on serial lines, each a real socat pseudo-terminal pair: a MedIoT device that signs (bed 01),
/// a Masimo oximeter (bed 02) and a Nonin oximeter (bed 03), both registered as gateway-attested. The gateway host
/// runs in the test process against real mosquitto and InfluxDB (the patterns of <see cref="GatewayFixture"/>); the
/// tests write to the device ends of the ptys with the simulator's serial code.
/// </summary>
public sealed class SerialWardFixture : IAsyncLifetime
{
    public const string Database = "mediot_serial";
    public const string SignedDeviceId = "ward7a-bed01-spo2";
    public const string MasimoDeviceId = "ward7a-bed02-masimo";
    public const string NoninDeviceId = "ward7a-bed03-nonin";

    /// <summary>A device whose port does not exist when the gateway starts (its adapter is plugged in later).</summary>
    public const string LateDeviceId = "ward7a-bed04-nonin";

    /// <summary>The Nonin port's no-data timeout, short so a test can wait for it.</summary>
    public const int NoninNoDataTimeoutSeconds = 1;

    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("serial-ward");
    private readonly List<DeviceStatusEvent> _events = [];
    private IHost? _host;

    public MosquittoServer Mosquitto { get; private set; } = null!;

    public InfluxServer Influx { get; private set; } = null!;

    public SocatPtyPair SignedLine { get; private set; } = null!;

    public SocatPtyPair MasimoLine { get; private set; } = null!;

    public SocatPtyPair NoninLine { get; private set; } = null!;

    public ProvisionedDevice SignedDevice { get; private set; } = null!;

    public IngestionStatistics Statistics { get; private set; } = null!;

    public SerialStatistics SerialStatistics { get; private set; } = null!;

    internal CapturingLoggerProvider Logs { get; private set; } = new();

    /// <summary>The folder where the late device's socat pair is started by the test.</summary>
    public string LateLineFolder => _folder.Combine("late");

    public string IdentityKeyFile => _folder.Combine("identity", "gateway-key.jwk");

    public string StateFolder => _folder.Combine("state");

    /// <summary>How many events have been seen so far; pass it to <see cref="WaitForEventAsync"/> to wait for later ones.</summary>
    public int EventMark => _events.Count;

    public async Task InitializeAsync()
    {
        var mosquitto = MosquittoServer.StartAsync();
        var influx = InfluxServer.StartAsync();
        SignedLine = await SocatPtyPair.StartAsync(Directory.CreateDirectory(_folder.Combine("signed")).FullName);
        MasimoLine = await SocatPtyPair.StartAsync(Directory.CreateDirectory(_folder.Combine("masimo")).FullName);
        NoninLine = await SocatPtyPair.StartAsync(Directory.CreateDirectory(_folder.Combine("nonin")).FullName);
        Mosquitto = await mosquitto;
        Influx = await influx;

        var ward = _folder.Combine("ward");
        SignedDevice = Assert.Single(WardProvisioner.Provision(ward, "7A", 1));
        var registryPath = Path.Combine(ward, WardProvisioner.RegistryFileName);
        var registry = JsonNode.Parse(await File.ReadAllTextAsync(registryPath))!;
        registry["devices"]!.AsArray().Add(JsonNode.Parse($$"""{ "deviceId": "{{MasimoDeviceId}}", "kind": "pulse-oximeter", "ward": "7A", "bed": "02", "trust": "gateway-attested" }"""));
        registry["devices"]!.AsArray().Add(JsonNode.Parse($$"""{ "deviceId": "{{NoninDeviceId}}", "kind": "pulse-oximeter", "ward": "7A", "bed": "03", "trust": "gateway-attested" }"""));
        registry["devices"]!.AsArray().Add(JsonNode.Parse($$"""{ "deviceId": "{{LateDeviceId}}", "kind": "pulse-oximeter", "ward": "7A", "bed": "04", "trust": "gateway-attested" }"""));
        Directory.CreateDirectory(LateLineFolder);
        await File.WriteAllTextAsync(registryPath, registry.ToJsonString());

        await StartGatewayAsync();
    }

    /// <summary>Stops the gateway and starts a fresh one (new in-memory state, same files).</summary>
    public async Task RestartGatewayAsync()
    {
        await StopGatewayAsync();
        await StartGatewayAsync();
    }

    private async Task StopGatewayAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    private async Task StartGatewayAsync()
    {
        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:GatewayId"] = "gw-serial-test",
            ["Gateway:DeviceRegistryPath"] = Path.Combine(_folder.Combine("ward"), WardProvisioner.RegistryFileName),
            ["Gateway:Mqtt:Port"] = Text(Mosquitto.Port),
            ["Gateway:Influx:Url"] = Influx.BaseAddress.ToString(),
            ["Gateway:Http:Url"] = "http://127.0.0.1:0",
            ["Gateway:Influx:Database"] = Database,
            ["Gateway:Influx:FlushIntervalMilliseconds"] = "20",
            ["Gateway:Identity:KeyFile"] = IdentityKeyFile,
            ["Gateway:Identity:Name"] = "mediot.example/ward7a/gw-serial-test",
            ["Gateway:Serial:StateFolder"] = StateFolder,
            ["Gateway:Journal:Folder"] = Path.Combine(StateFolder, "journal"),
            ["Gateway:Serial:ReopenInitialDelayMilliseconds"] = "100",
            ["Gateway:Serial:ReopenMaximumDelayMilliseconds"] = "400",
            // These tests read DeviceStatusEvents themselves; the stream has one reader, normally the alert service.
            ["Gateway:Alerts:Enabled"] = "false",
        };
        void Port(int index, SocatPtyPair line, string protocol, string deviceId, int noDataSeconds)
        {
            settings[$"Gateway:Serial:Ports:{index}:DevicePath"] = line.PathB;
            settings[$"Gateway:Serial:Ports:{index}:BaudRate"] = "115200";
            settings[$"Gateway:Serial:Ports:{index}:Protocol"] = protocol;
            settings[$"Gateway:Serial:Ports:{index}:DeviceId"] = deviceId;
            settings[$"Gateway:Serial:Ports:{index}:NoDataTimeoutSeconds"] = Text(noDataSeconds);
        }

        Port(0, SignedLine, "Signed", SignedDeviceId, 600);
        Port(1, MasimoLine, "Masimo", MasimoDeviceId, 600);
        Port(2, NoninLine, "Nonin", NoninDeviceId, NoninNoDataTimeoutSeconds);
        settings["Gateway:Serial:Ports:3:DevicePath"] = Path.Combine(LateLineFolder, "pty-b");
        settings["Gateway:Serial:Ports:3:BaudRate"] = "115200";
        settings["Gateway:Serial:Ports:3:Protocol"] = "Nonin";
        settings["Gateway:Serial:Ports:3:DeviceId"] = LateDeviceId;
        settings["Gateway:Serial:Ports:3:NoDataTimeoutSeconds"] = "600";

        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(settings));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(Logs);
        _host = builder.Build();
        Statistics = _host.Services.GetRequiredService<IngestionStatistics>();
        SerialStatistics = _host.Services.GetRequiredService<SerialStatistics>();
        _events.Clear();
        await _host.StartAsync();
        // Every port reports Connected once open: tests then write to open lines.
        foreach (var deviceId in new[] { SignedDeviceId, MasimoDeviceId, NoninDeviceId })
        {
            await WaitForEventAsync(0, e => e.Device.DeviceId == deviceId && e.Kind == DeviceStatusEventKind.Connected, TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Waits for an event after <paramref name="mark"/> that <paramref name="match"/> accepts.</summary>
    public async Task<DeviceStatusEvent> WaitForEventAsync(int mark, Func<DeviceStatusEvent, bool> match, TimeSpan timeout)
    {
        var reader = _host!.Services.GetRequiredService<DeviceStatusEvents>().Reader;
        using var cancellation = new CancellationTokenSource(timeout);
        var index = mark;
        while (true)
        {
            for (; index < _events.Count; index++)
            {
                if (match(_events[index]))
                {
                    return _events[index];
                }
            }

            try
            {
                _events.Add(await reader.ReadAsync(cancellation.Token));
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("The expected device status event did not arrive. Events seen: " +
                    string.Join("; ", _events.Skip(mark).Select(e => $"{e.Device.DeviceId} {e.Kind} {e.Status} {e.Detail}")));
            }
        }
    }

    /// <summary>Opens the device end of a line.</summary>
    public static SerialPort OpenDeviceEnd(SocatPtyPair line) => SerialPort.Open(line.PathA, new SerialLineSettings { BaudRate = 115_200 });

    /// <summary>A reading source for the signed device (its provisioned key and sequence file).</summary>
    public SerialReadingSource SignedSource(SerialFaults faults, out IDisposable key)
    {
        var privateKey = PrivateKeyFile.Read(SignedDevice.PrivateKeyPath);
        key = privateKey;
        return SerialReadingSource.Signed(SignedDevice.DeviceId, privateKey, new SequenceCounter(Path.ChangeExtension(SignedDevice.PrivateKeyPath, ".seq")),
            faults, 11, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await StopGatewayAsync();
        await SignedLine.DisposeAsync();
        await MasimoLine.DisposeAsync();
        await NoninLine.DisposeAsync();
        await Mosquitto.DisposeAsync();
        await Influx.DisposeAsync();
        Logs.Dispose();
        _folder.Dispose();
    }
}
