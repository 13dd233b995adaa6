using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>
/// Runs one <see cref="SerialPortIngestion"/> loop per configured port (Gateway:Serial:Ports). At start it checks
/// each port's device against the registry (registered, not revoked, and signed or gateway-attested as its protocol
/// needs) and stops the gateway with a message naming the setting when one does not fit.
/// </summary>
internal sealed class SerialIngestService(
    IOptions<SerialOptions> serialOptions,
    IOptions<IngestionOptions> ingestionOptions,
    [FromKeyedServices(SerialOptions.SectionName)] AttestationStateFolder stateFolder,
    DeviceRegistry registry,
    FrameVerifier verifier,
    PendingFrameQueue queue,
    IngestionStatistics statistics,
    SerialStatistics serialStatistics,
    DeviceStatusEvents events,
    IEnumerable<IIngestionObserver> observers,
    IServiceProvider services,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly List<SerialPortIngestion> _ports = [];
    private readonly IIngestionObserver _observer = IngestionObservers.Combine(observers);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var serial = serialOptions.Value;
        var logger = loggerFactory.CreateLogger<SerialIngestService>();
        var intake = new PushedFrameIntake(queue, statistics, _observer);
        for (var index = 0; index < serial.Ports.Count; index++)
        {
            var port = serial.Ports[index];
            var device = CheckDevice(port, index);
            var attestor = device.Trust == DeviceTrust.GatewayAttested
                ? new GatewayAttestor(device.DeviceId, services.GetRequiredService<GatewayIdentity>(),
                    new AttestationSequence(stateFolder.SequenceFile(device.DeviceId)), timeProvider)
                : null;
            _ports.Add(new SerialPortIngestion(
                port, device, serial, ingestionOptions.Value.MaxFrameBytes, verifier, intake, serialStatistics, events, attestor, timeProvider, logger));
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_ports.Select(port => Task.Run(() => port.RunAsync(stoppingToken), CancellationToken.None)));

    private RegisteredDevice CheckDevice(SerialPortOptions port, int index)
    {
        var setting = $"{SerialOptions.SectionName}:Ports:{index}:DeviceId";
        if (!registry.TryGet(port.DeviceId, out var device))
        {
            throw new InvalidOperationException(
                $"Setting '{setting}' = '{port.DeviceId}': the device is not in the device registry. Register it (for a Masimo or Nonin oximeter " +
                "with \"trust\": \"gateway-attested\" and no public key) or correct the id.");
        }

        if (device.Revoked)
        {
            throw new InvalidOperationException($"Setting '{setting}' = '{port.DeviceId}': the device is revoked in the registry; remove the port or the revocation.");
        }

        var needed = port.Protocol == SerialProtocol.Signed ? DeviceTrust.DeviceSigned : DeviceTrust.GatewayAttested;
        if (device.Trust != needed)
        {
            throw new InvalidOperationException(
                $"Setting '{setting}' = '{port.DeviceId}': protocol {port.Protocol} needs a device registered as " +
                $"{(needed == DeviceTrust.DeviceSigned ? "\"device-signed\" (with its public key)" : "\"gateway-attested\" (without a key)")}, " +
                "but the registry says otherwise. Correct the protocol or the registry entry.");
        }

        return device;
    }
}
