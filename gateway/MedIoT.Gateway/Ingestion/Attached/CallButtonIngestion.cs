using System.Threading.Channels;
using MedIoT.Alerts;
using MedIoT.Alerts.Bedside;
using MedIoT.Sensors.Buttons;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Watches one bed's call button (and the staff's answer button beside it, if wired) for as long as the gateway runs:
/// opens the pins (retrying with backoff while they cannot be opened), and turns each debounced press into a
/// <see cref="PatientCallPressed"/> or <see cref="PatientCallAnswered"/> for the alert engine. A button sends no
/// readings: nothing of it is journaled but the alarm it raises.
/// </summary>
internal sealed class CallButtonIngestion(
    AttachedSensorOptions sensor, AttachedOptions options, BedLocation bed, AttachedBuses buses, AttachedSensorEvents events,
    SensorHealth health, AttachedStatistics statistics, TimeProvider timeProvider, ILogger logger)
{
    private readonly SensorOpening _opening = new(sensor, options, health, timeProvider, logger);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var reopen = _opening.CreatePipeline();
        try
        {
            while (true)
            {
                await reopen.ExecuteAsync(OpenAndWatchAsync, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async ValueTask<bool> OpenAndWatchAsync(CancellationToken stoppingToken)
    {
        var debounce = TimeSpan.FromMilliseconds(sensor.DebounceMilliseconds);
        DebouncedButton? call = null;
        DebouncedButton? answer = null;
        try
        {
            var gpio = buses.Gpio(sensor);
            call = new DebouncedButton(gpio, sensor.Pin, debounce, timeProvider);
            if (sensor.AnswerPin >= 0)
            {
                answer = new DebouncedButton(gpio, sensor.AnswerPin, debounce, timeProvider);
            }
        }
        catch (Exception exception) when (SensorOpening.IsRetried(exception))
        {
            call?.Dispose();
            answer?.Dispose();
            _opening.Failed(exception);
            return false;
        }

        _opening.Opened();
        using (call)
        using (answer)
        {
            health.Succeeded();
            var watches = new List<Task> { WatchAsync(call.Presses, "call", static (bed, name) => new PatientCallPressed(bed, name), stoppingToken) };
            if (answer is not null)
            {
                watches.Add(WatchAsync(answer.Presses, "answer", static (bed, name) => new PatientCallAnswered(bed, name), stoppingToken));
            }

            await Task.WhenAll(watches).ConfigureAwait(false);
            return true;
        }
    }

    private async Task WatchAsync(ChannelReader<DateTimeOffset> presses, string button, Func<BedLocation, string, AlarmInput> input, CancellationToken stoppingToken)
    {
        await foreach (var _ in presses.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            statistics.RecordPress(sensor.Name, button);
            Log.BedsideButtonPressed(logger, button, sensor.Name, bed.ToString());
            events.Publish(input(bed, sensor.Name));
        }
    }
}
