using MedIoT.Gateway.Devices;
using MedIoT.Hosting;
using MedIoT.Sensors;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Samples one bed scale or thermometer for as long as the gateway runs: opens it (retrying with backoff while it cannot
/// be opened), takes a sample every interval, attests each good value as a frame of its registered device, and queues it
/// for the journal like any other frame; failed reads go to the sensor's <see cref="SensorHealth"/>, never into a frame.
/// </summary>
internal sealed class SampledSensorIngestion(
    AttachedSensorOptions sensor, AttachedOptions options, RegisteredDevice device, Func<ISampledSensor> open, FrameVerifier verifier,
    PushedFrameIntake intake, GatewayAttestor attestor, SensorHealth health, AttachedStatistics statistics, TimeProvider timeProvider, ILogger logger)
{
    private readonly (int Code, double Value)[] _values = new (int, double)[1];
    private bool _unavailableLogged;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // As for serial ports: a sensor that cannot be opened is tried again after a growing delay, never in a tight loop.
        var reopen = Backoff.Create<bool>(
            BackoffOptions.FromMilliseconds(options.ReopenInitialDelayMilliseconds,
                Math.Max(options.ReopenInitialDelayMilliseconds, options.ReopenMaximumDelayMilliseconds), useJitter: true),
            timeProvider,
            attempt => attempt.Exception is null && !attempt.Result);
        try
        {
            while (true)
            {
                await reopen.ExecuteAsync(OpenAndSampleAsync, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One attempt: opens the sensor and samples it until the gateway stops; false when it could not be opened.</summary>
    private async ValueTask<bool> OpenAndSampleAsync(CancellationToken stoppingToken)
    {
        ISampledSensor opened;
        try
        {
            opened = open();
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // A missing bus or chip, no permission, no libgpiod, no calibration: all retried; the message says which.
            if (!_unavailableLogged)
            {
                _unavailableLogged = true;
                Log.AttachedSensorUnavailable(logger, sensor.Name, exception.Message, options.ReopenMaximumDelayMilliseconds);
            }

            health.Failed("cannot-open");
            return false;
        }

        _unavailableLogged = false;
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
                    await intake.AcceptAsync(outcome, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    health.Failed(fault.ToString());
                }

                await Task.Delay(sensor.SampleInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
