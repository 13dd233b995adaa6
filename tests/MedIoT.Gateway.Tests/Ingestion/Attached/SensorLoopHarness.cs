using System.Diagnostics.Metrics;
using MedIoT.Alerts;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Ingestion.Attached;

/// <summary>
/// One gateway sampling loop (<see cref="SampledSensorIngestion"/>) for a gateway-attested device at bed 7A/07, with the
/// real parts around it (verifier, attestation, the journal's queue, the alarm inputs, statistics, a fake logger) on a
/// fake clock, and the stepping that moves the clock only while the loop waits.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class SensorLoopHarness : IAsyncDisposable
{
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CancellationTokenSource _stop = new();
    private readonly ParkingClock _loopClock;
    private readonly GatewayIdentity _identity;
    private Task? _loop;
    private bool _parked;

    public SensorLoopHarness(string name)
    {
        Folder = TemporaryDirectory.Create(name);
        _loopClock = new ParkingClock(Clock);
        _identity = GatewayIdentity.LoadOrCreate(Folder.Combine("identity", "gateway-key.jwk"), "mediot.example/ward7a/gw-test", out _);
        Statistics = new AttachedStatistics(_metrics.GetRequiredService<IMeterFactory>());
    }

    public static BedLocation Bed { get; } = BedLocation.Parse("7A", "07");

    public TemporaryDirectory Folder { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));

    public FakeLogger Logger { get; } = new();

    public PendingFrameQueue Queue { get; } = new(Options.Create(new IngestionOptions { PendingFrameCapacity = 64 }));

    public AttachedSensorEvents Events { get; } = new();

    public AttachedStatistics Statistics { get; }

    /// <summary>Starts the loop of <paramref name="sensor"/>, whose device <paramref name="deviceId"/> is registered as gateway-attested.</summary>
    public void Start(AttachedSensorOptions sensor, AttachedOptions options, string deviceId, string kind, Func<ISampledSensor> open)
    {
        var device = new RegisteredDevice(deviceId, kind, Bed, null, false, DeviceTrust.GatewayAttested);
        var health = new SensorHealth(sensor.Name, deviceId, Bed, options.FailuresBeforeFault, Events, Statistics, Clock, Logger);
        var ingestion = new SampledSensorIngestion(sensor, options, device, open,
            new FrameVerifier(new DeviceRegistry([device]), Options.Create(new IngestionOptions { ReplayWindow = 64 }), Clock),
            new PushedFrameIntake(Queue, new IngestionStatistics(new FakeLogger<IngestionStatistics>(), _metrics.GetRequiredService<IMeterFactory>()), observer: null),
            new GatewayAttestor(deviceId, _identity, new AttestationSequence(Folder.Combine(deviceId + ".seq")), Clock),
            health, Statistics, _loopClock, Logger);
        _loop = ingestion.StartAsync(_stop.Token);
    }

    /// <summary>
    /// Lets the loop run until <paramref name="condition"/> holds (at most 30 waits): each time the loop has taken its sample
    /// (or tried to open) and parked on its delay, the condition is checked, then the clock moves on by <paramref name="step"/>.
    /// </summary>
    public async Task StepUntilAsync(Func<bool> condition, TimeSpan step)
    {
        for (var wait = 0; wait < 30; wait++)
        {
            if (!_parked)
            {
                await _loopClock.WaitForTimerAsync();
                _parked = true;
            }

            if (condition())
            {
                return;
            }

            Clock.Advance(step);
            _parked = false;
        }

        Assert.Fail($"not reached: readings {Statistics.Readings}, failures {Statistics.Failures}");
    }

    /// <summary>Stops the loop (before the test disposes the chips it reads).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _identity.Dispose();
        await _metrics.DisposeAsync();
        Folder.Dispose();
    }
}
