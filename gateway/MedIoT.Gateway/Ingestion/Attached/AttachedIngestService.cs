using MedIoT.Alerts;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Hosting;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Runs one loop per sensor wired to the gateway (Gateway:Attached:Sensors, docs/attached-sensors.md): bed scales and
/// thermometers are sampled and their values attested, journaled and stored like any frame; call buttons raise and
/// answer patient calls. At start it checks each scale's and thermometer's device against the registry (registered,
/// not revoked, gateway-attested) and stops the gateway with a message naming the setting when one does not fit.
/// </summary>
internal sealed class AttachedIngestService(
    IOptions<AttachedOptions> attachedOptions,
    SettingsFile settings,
    DeviceRegistry registry,
    FrameVerifier verifier,
    PendingFrameQueue queue,
    IngestionStatistics statistics,
    AttachedStatistics attachedStatistics,
    AttachedSensorEvents events,
    IEnumerable<IIngestionObserver> observers,
    IServiceProvider services,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly List<Func<CancellationToken, Task>> _loops = [];
    private AttachedBuses? _buses;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var options = attachedOptions.Value;
        if (options.Sensors.Count == 0)
        {
            return base.StartAsync(cancellationToken);
        }

        var logger = loggerFactory.CreateLogger<AttachedIngestService>();
        var intake = new PushedFrameIntake(queue, statistics, IngestionObservers.Combine(observers));
        var stateFolder = new AttestationStateFolder(settings.Resolve(options.StateFolder));
        _buses = new AttachedBuses(options.Sensors, settings.Resolve, timeProvider, logger);
        for (var index = 0; index < options.Sensors.Count; index++)
        {
            var sensor = options.Sensors[index];
            if (sensor.Bus == AttachedBus.Simulated)
            {
                Log.AttachedSensorSimulated(logger, sensor.Name, settings.Resolve(sensor.SimulationStatePath));
            }

            if (sensor.Kind == AttachedSensorKind.CallButton)
            {
                var bed = BedLocation.Parse(sensor.Ward, sensor.Bed);
                var health = new SensorHealth(sensor.Name, sensor.Name, bed, options.FailuresBeforeFault, events, attachedStatistics, timeProvider, logger);
                var buttons = new CallButtonIngestion(sensor, options, bed, _buses, events, health, attachedStatistics, timeProvider, logger);
                _loops.Add(token => Task.Run(() => buttons.RunAsync(token), CancellationToken.None));
                Log.AttachedSensorConfigured(logger, sensor.Name, sensor.Kind.ToString(), sensor.Bus.ToString(), bed.ToString());
                continue;
            }

            var device = CheckDevice(sensor, index);
            var sampledHealth = new SensorHealth(sensor.Name, device.DeviceId, device.Location, options.FailuresBeforeFault, events, attachedStatistics, timeProvider, logger);
            var attestor = new GatewayAttestor(device.DeviceId, services.GetRequiredService<GatewayIdentity>(),
                new AttestationSequence(stateFolder.SequenceFile(device.DeviceId)), timeProvider);
            var sampled = new SampledSensorIngestion(
                sensor, options, device, SampledSensors.Opener(sensor, _buses, settings.Resolve), verifier, intake, attestor, sampledHealth, attachedStatistics, timeProvider, logger);
            _loops.Add(sampled.StartAsync);
            Log.AttachedSensorConfigured(logger, sensor.Name, sensor.Kind.ToString(), sensor.Bus.ToString(), device.DeviceId);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // A sampled sensor runs on a thread of its own (SampledSensorIngestion); a button's loop only awaits its presses.
        Task.WhenAll(_loops.Select(loop => loop(stoppingToken)));

    public override void Dispose()
    {
        _buses?.Dispose();
        base.Dispose();
    }

    private RegisteredDevice CheckDevice(AttachedSensorOptions sensor, int index)
    {
        var setting = $"{AttachedOptions.SectionName}:Sensors:{index}:DeviceId";
        if (!registry.TryGet(sensor.DeviceId, out var device))
        {
            throw new InvalidOperationException(
                $"Setting '{setting}' = '{sensor.DeviceId}': the device is not in the device registry. Register it with " +
                "\"trust\": \"gateway-attested\" and no public key, or correct the id.");
        }

        if (device.Revoked)
        {
            throw new InvalidOperationException($"Setting '{setting}' = '{sensor.DeviceId}': the device is revoked in the registry; remove the sensor or the revocation.");
        }

        if (device.Trust != DeviceTrust.GatewayAttested)
        {
            throw new InvalidOperationException(
                $"Setting '{setting}' = '{sensor.DeviceId}': a sensor wired to the gateway cannot sign, so its device must be registered as " +
                "\"gateway-attested\" (without a key), but the registry says \"device-signed\". Correct the registry entry.");
        }

        return device;
    }
}
