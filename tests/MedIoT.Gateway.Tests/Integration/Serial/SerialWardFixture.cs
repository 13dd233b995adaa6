using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.FirmwareSim.Serial;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Serial;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Serial;

/// <summary>
/// Three bedside devices on serial lines, each a real socat pseudo-terminal pair: a MedIoT device that signs (bed 01),
/// a Masimo oximeter (bed 02) and a Nonin oximeter (bed 03), both registered as gateway-attested, and a fourth whose
/// adapter is plugged in later (bed 04). The gateway host runs in the test process against real mosquitto and InfluxDB
/// (<see cref="WardBuilder"/>); the tests write to the device ends of the ptys with the simulator's serial code.
/// </summary>
public sealed class SerialWardFixture() : Ward(new WardBuilder("serial-ward")
    .ForGateway("gw-serial-test", Database)
    .WithIdentityName()
    .WithBeds(1)
    .WithAttestedDevice(MasimoDeviceId, "02")
    .WithAttestedDevice(NoninDeviceId, "03")
    .WithAttestedDevice(LateDeviceId, "04")
    .WithSerialPort("signed", "Signed", SignedDeviceId, 600)
    .WithSerialPort("masimo", "Masimo", MasimoDeviceId, 600)
    .WithSerialPort("nonin", "Nonin", NoninDeviceId, NoninNoDataTimeoutSeconds)
    .WithSerialPort("late", "Nonin", LateDeviceId, 600, pluggedInLater: true)
    .WithSetting("Gateway:Serial:ReopenInitialDelayMilliseconds", "100")
    .WithSetting("Gateway:Serial:ReopenMaximumDelayMilliseconds", "400")
    // These tests read DeviceStatusEvents themselves; the stream has one reader, normally the alert service.
    .WithSetting("Gateway:Alerts:Enabled", "false")
    .InProcess()), IAsyncLifetime
{
    public const string Database = "mediot_serial";
    public const string SignedDeviceId = "ward7a-bed01-spo2";
    public const string MasimoDeviceId = "ward7a-bed02-masimo";
    public const string NoninDeviceId = "ward7a-bed03-nonin";

    /// <summary>A device whose port does not exist when the gateway starts (its adapter is plugged in later).</summary>
    public const string LateDeviceId = "ward7a-bed04-nonin";

    /// <summary>The Nonin port's no-data timeout, short so a test can wait for it.</summary>
    public const int NoninNoDataTimeoutSeconds = 1;

    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(30);
    private readonly List<DeviceStatusEvent> _events = [];

    public SocatPtyPair SignedLine => Line("signed");

    public SocatPtyPair MasimoLine => Line("masimo");

    public SocatPtyPair NoninLine => Line("nonin");

    public ProvisionedDevice SignedDevice => Assert.Single(this.Devices);

    /// <summary>The folder where the late device's socat pair is started by the test.</summary>
    public string LateLineFolder => Combine("late");

    /// <summary>How many events have been seen so far; pass it to <see cref="WaitForEventAsync"/> to wait for later ones.</summary>
    public int EventMark => _events.Count;

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Every port reports Connected once open: tests then write to open lines.</summary>
    protected override async Task OnGatewayStartedAsync(IWardGateway gateway)
    {
        _events.Clear();
        foreach (var deviceId in new[] { SignedDeviceId, MasimoDeviceId, NoninDeviceId })
        {
            await WaitForEventAsync(0, e => e.Device.DeviceId == deviceId && e.Kind == DeviceStatusEventKind.Connected, s_connectTimeout);
        }
    }

    /// <summary>Waits for an event after <paramref name="mark"/> that <paramref name="match"/> accepts.</summary>
    public async Task<DeviceStatusEvent> WaitForEventAsync(int mark, Func<DeviceStatusEvent, bool> match, TimeSpan timeout)
    {
        var reader = this.InProcess.Service<DeviceStatusEvents>().Reader;
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
}
