using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// A whole ward on this machine: real mosquitto and influxd on free loopback ports, a provisioned
/// simulated ward, and the gateway host running in the test process with its settings from the
/// environment-style overrides the demo uses.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string Database = "mediot_test";
    public const int Beds = 8;

    /// <summary>A small replay window, so a test can step past it with a few frames.</summary>
    public const int ReplayWindow = 8;

    private readonly TemporaryDirectory _wardFolder = TemporaryDirectory.Create("ward");
    private IHost? _host;

    public MosquittoServer Mosquitto { get; private set; } = null!;

    public InfluxServer Influx { get; private set; } = null!;

    public IReadOnlyList<ProvisionedDevice> Devices { get; private set; } = [];

    public IngestionStatistics Statistics { get; private set; } = null!;

    /// <summary>The gateway's HTTP surface (on a free port chosen at start).</summary>
    public Task<Uri> HttpAddress => _host!.Services.GetRequiredService<GatewayHttpServer>().Listening;

    internal CapturingLoggerProvider Logs { get; } = new();

    public string RegistryPath => _wardFolder.Combine(WardProvisioner.RegistryFileName);

    /// <summary>The gateway's journal folder; it outlives gateway restarts, as on a real disk.</summary>
    public string JournalFolder => _wardFolder.Combine("state", "journal");

    /// <summary>The journal of the running gateway.</summary>
    public MedIoT.Gateway.Journal.GatewayJournal Journal => _host!.Services.GetRequiredService<MedIoT.Gateway.Journal.GatewayJournal>();

    /// <summary>The journal and InfluxDB writer counters of the running gateway.</summary>
    public MedIoT.Gateway.Journal.JournalStatistics JournalStatistics => _host!.Services.GetRequiredService<MedIoT.Gateway.Journal.JournalStatistics>();

    public async Task InitializeAsync()
    {
        var mosquitto = MosquittoServer.StartAsync();
        var influx = InfluxServer.StartAsync();
        Mosquitto = await mosquitto;
        Influx = await influx;
        Devices = WardProvisioner.Provision(_wardFolder.Path, "7A", Beds);

        await StartGatewayAsync();
    }

    /// <summary>Stops the gateway as a service stop would, and starts a new gateway process-equivalent (fresh in-memory state).</summary>
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
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:GatewayId"] = "gw-test",
            ["Gateway:DeviceRegistryPath"] = RegistryPath,
            ["Gateway:Mqtt:Port"] = Mosquitto.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Mqtt:ReconnectInitialDelayMilliseconds"] = "100",
            ["Gateway:Influx:Url"] = Influx.BaseAddress.ToString(),
            ["Gateway:Http:Url"] = "http://127.0.0.1:0",
            ["Gateway:Influx:Database"] = Database,
            ["Gateway:Influx:FlushIntervalMilliseconds"] = "20",
            ["Gateway:Ingestion:ReplayWindow"] = ReplayWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Influx:RetryInitialDelayMilliseconds"] = "50",
            ["Gateway:Influx:RetryMaximumDelayMilliseconds"] = "500",
            ["Gateway:Journal:Folder"] = JournalFolder,
            ["Gateway:Identity:KeyFile"] = _wardFolder.Combine("identity", "gateway-key.jwk"),
        }));
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(Logs);
        _host = builder.Build();
        Statistics = _host.Services.GetRequiredService<IngestionStatistics>();
        await _host.StartAsync();
        try
        {
            await Statistics.WaitUntilAsync(s => s.Subscriptions >= 1, TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException(
                "The gateway did not subscribe. Its log:" + Environment.NewLine + string.Join(Environment.NewLine, Logs.Entries) +
                Environment.NewLine + "mosquitto:" + Environment.NewLine + Mosquitto.RecentOutput, exception);
        }
    }

    /// <summary>Connects a provisioned simulated device to the broker.</summary>
    public Task<SimulatedDevice> ConnectDeviceAsync(int index) =>
        SimulatedDevice.ConnectAsync(Devices[index], Mosquitto.Host, Mosquitto.Port, TimeProvider.System, null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await StopGatewayAsync();
        await Mosquitto.DisposeAsync();
        await Influx.DisposeAsync();
        _wardFolder.Dispose();
    }
}
