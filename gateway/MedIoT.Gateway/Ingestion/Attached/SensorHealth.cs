using MedIoT.Alerts;
using MedIoT.Alerts.Technical;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Whether one attached sensor works, judged from its reads: <see cref="AttachedOptions.FailuresBeforeFault"/> failures
/// in a row make it not working (logged, and its technical alarm input published); the next good read makes it working
/// again. Every failure is counted; only the first of a run is logged. Not thread-safe: one sensor loop owns it.
/// </summary>
/// <param name="sensorName">The sensor's configured name, for logs and metrics.</param>
/// <param name="alarmSubject">
/// Whom the technical alarm names (<c>sensor-fault/&lt;subject&gt;</c>): a scale's or thermometer's registered device id,
/// so that the station shows the fault as that device's state; a call button's name.
/// </param>
/// <param name="bed">The sensor's bed.</param>
/// <param name="failuresBeforeFault">Failed reads in a row that make the sensor not working.</param>
/// <param name="events">Where the alarm inputs go.</param>
/// <param name="statistics">Where failures are counted.</param>
/// <param name="timeProvider">The clock of the downtime in the log.</param>
/// <param name="logger">Where runs of failures are logged.</param>
internal sealed class SensorHealth(
    string sensorName, string alarmSubject, BedLocation bed, int failuresBeforeFault, AttachedSensorEvents events, AttachedStatistics statistics,
    TimeProvider timeProvider, ILogger logger)
{
    private int _failuresInRow;
    private long? _notWorkingSince;

    /// <summary>A good read.</summary>
    public void Succeeded()
    {
        _failuresInRow = 0;
        if (_notWorkingSince is { } since)
        {
            _notWorkingSince = null;
            Log.AttachedSensorWorking(logger, sensorName, timeProvider.GetElapsedTime(since).TotalSeconds);
            events.Publish(new AttachedSensorStatus(alarmSubject, bed, Working: true));
        }
    }

    /// <summary>A failed read or open; <paramref name="fault"/> says why (a fault name or a short reason, never a value).</summary>
    public void Failed(string fault)
    {
        statistics.RecordFailure(sensorName, fault);
        _failuresInRow = _failuresInRow == int.MaxValue ? _failuresInRow : _failuresInRow + 1;
        if (_failuresInRow == 1 && _notWorkingSince is null)
        {
            Log.AttachedSensorReadFailed(logger, sensorName, fault);
        }

        if (_notWorkingSince is null && _failuresInRow >= failuresBeforeFault)
        {
            _notWorkingSince = timeProvider.GetTimestamp();
            Log.AttachedSensorNotWorking(logger, sensorName, fault, _failuresInRow);
            events.Publish(new AttachedSensorStatus(alarmSubject, bed, Working: false));
        }
    }
}
