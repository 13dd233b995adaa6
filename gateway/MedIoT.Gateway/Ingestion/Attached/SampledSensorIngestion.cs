using MedIoT.Gateway.Devices;
using MedIoT.Sensors;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Samples one bed scale or thermometer for as long as the gateway runs, on a thread of its own: opens it (retrying with
/// backoff while it cannot be opened), takes a sample every interval, attests each good value as a frame of its registered
/// device, and queues it for the journal like any other frame; failed reads go to the sensor's <see cref="SensorHealth"/>,
/// never into a frame.
/// </summary>
/// <remarks>
/// A read blocks: the HX711 binding clocks its bits and waits for the chip's next conversion (37 ms for 3 conversions at
/// 80 samples/s, 300 ms at 10 samples/s), and an I2C transfer is a system call. On the thread pool those waits would starve
/// the rest of the gateway (and the pool-driven timers the simulated chips run on), so each sampled sensor has its own
/// thread and waits there, on the injected clock, between samples.
/// </remarks>
internal sealed class SampledSensorIngestion(
    AttachedSensorOptions sensor, AttachedOptions options, RegisteredDevice device, Func<ISampledSensor> open, FrameVerifier verifier,
    PushedFrameIntake intake, GatewayAttestor attestor, SensorHealth health, AttachedStatistics statistics, TimeProvider timeProvider, ILogger logger)
{
    private readonly (int Code, double Value)[] _values = new (int, double)[1];
    private readonly SensorOpening _opening = new(sensor, options, health, timeProvider, logger);

    /// <summary>Starts the sampling thread; the task completes when <paramref name="stoppingToken"/> stops it.</summary>
    public Task StartAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = "sensor " + sensor.Name;
        var reopen = _opening.CreatePipeline();
        try
        {
            while (true)
            {
                reopen.Execute(OpenAndSample, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One attempt: opens the sensor and samples it until the gateway stops; false when it could not be opened.</summary>
    private bool OpenAndSample(CancellationToken stoppingToken)
    {
        ISampledSensor opened;
        try
        {
            opened = open();
        }
        catch (Exception exception) when (SensorOpening.IsRetried(exception))
        {
            _opening.Failed(exception);
            return false;
        }

        _opening.Opened();
        using (opened)
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var fault = opened.TryRead(out var value);
                if (fault == SensorFault.None)
                {
                    health.Succeeded();
                    statistics.RecordReading(sensor.Name);
                    _values[0] = (opened.MdcCode, value);
                    var outcome = verifier.VerifyAttested(device.DeviceId, attestor.Attest(_values), attestor.PublicKey);
                    // Waits (on this thread only) while the journal's queue is full: the next sample simply comes later.
                    var accepted = intake.AcceptAsync(outcome, stoppingToken);
                    if (!accepted.IsCompletedSuccessfully)
                    {
                        accepted.AsTask().GetAwaiter().GetResult();
                    }
                }
                else
                {
                    health.Failed(fault.ToString());
                }

                Task.Delay(sensor.SampleInterval, timeProvider, stoppingToken).GetAwaiter().GetResult();
            }
        }
    }
}
