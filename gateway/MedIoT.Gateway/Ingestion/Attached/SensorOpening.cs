using MedIoT.Hosting;
using Polly;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// How a sensor's loop opens it again after it could not be opened (a missing bus or chip, no permission, no libgpiod, no
/// calibration): the one backoff of <c>Gateway:Attached:Reopen*</c>, never a tight loop, as for serial ports; the reason
/// logged once per run of failures (event 212), and each failure counted on the sensor's health. Not thread-safe: one
/// loop owns it.
/// </summary>
internal sealed class SensorOpening(AttachedSensorOptions sensor, AttachedOptions options, SensorHealth health, TimeProvider timeProvider, ILogger logger)
{
    private bool _unavailableLogged;

    /// <summary>
    /// The retry pipeline around one attempt, which returns whether the sensor opened: an attempt that returns false is
    /// tried again after a growing, jittered delay; one that opened starts the backoff over.
    /// </summary>
    public ResiliencePipeline<bool> CreatePipeline() => Backoff.Create<bool>(
        BackoffOptions.FromMilliseconds(options.ReopenInitialDelayMilliseconds,
            Math.Max(options.ReopenInitialDelayMilliseconds, options.ReopenMaximumDelayMilliseconds), useJitter: true),
        timeProvider,
        attempt => attempt.Exception is null && !attempt.Result);

    /// <summary>Whether opening failed with <paramref name="exception"/> for a reason retrying may mend (all but cancellation and out of memory).</summary>
    public static bool IsRetried(Exception exception) => exception is not OperationCanceledException and not OutOfMemoryException;

    /// <summary>The sensor could not be opened: logged at the first failure of a run, counted every time.</summary>
    public void Failed(Exception exception)
    {
        if (!_unavailableLogged)
        {
            _unavailableLogged = true;
            Log.AttachedSensorUnavailable(logger, sensor.Name, exception.Message, options.ReopenMaximumDelayMilliseconds);
        }

        health.Failed("cannot-open");
    }

    /// <summary>The sensor opened: a later failure is logged again.</summary>
    public void Opened() => _unavailableLogged = false;
}
