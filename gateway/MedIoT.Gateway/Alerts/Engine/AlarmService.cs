using System.Threading.Channels;
using MedIoT.Alerts;
using MedIoT.Alerts.Rules;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Alerts.Delivery.Stations;
using MedIoT.Gateway.Alerts.Delivery.Webhooks;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Gateway.Journal;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts.Engine;

/// <summary>
/// Owns the <see cref="AlarmEngine"/> (not thread-safe) as the single consumer of the <see cref="AlarmFeed"/>: verified
/// frames and security rejections from ingestion, device status events, the attached sensors' events (faults, call and
/// answer buttons), HTTP requests and a 1 s tick on the alert clock.
/// Each input's alarm events go at once to MQTT (events, then the retained state of the places they changed) and to the
/// webhook outboxes, and to the journal's alarm queue (never waited for); none of them can hold the engine up. Nothing here depends on storage, so alarms keep flowing while
/// InfluxDB is down.
/// </summary>
/// <remarks>
/// At start (<see cref="StartingAsync"/>, which the host runs before it starts any service, so before ingestion) the
/// engine is restored from the journal: the alarms active when the gateway stopped, ids numbered after every id
/// journaled or reserved, every registered device watched for silence, the beds whose bed-exit monitoring is armed
/// (<see cref="BedExitArmingStore"/>); then the retained state of every place is
/// published again (docs/alerts.md §9).
/// </remarks>
internal sealed class AlarmService : BackgroundService, IHostedLifecycleService
{
    private readonly AlarmFeed _feed;
    private readonly AlarmEngine _engine;
    private readonly AlertOptions _options;
    private readonly AlarmTopics _topics;
    private readonly string _gatewayId;
    private readonly MqttAlarmPublisher _publisher;
    private readonly WebhookDispatcher _webhooks;
    private readonly AlarmBroadcast _stations;
    private readonly DeviceStatusEvents _statusEvents;
    private readonly AttachedSensorEvents _attachedEvents;
    private readonly BedExitArmingStore _bedExitArmings;
    private readonly PendingFrameQueue _pendingFrames;
    private readonly int _pendingFrameCapacity;
    private readonly Dictionary<string, string> _portOfDevice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Sequence, Protocol.Frames.DeviceStatus Status)> _statusInFrames = new(StringComparer.Ordinal);
    private readonly AlarmStatistics _statistics;
    private readonly AlarmJournalQueue _journal;
    private readonly JournalStatistics _journalStatistics;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlarmService> _logger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly GatewayJournal _gatewayJournal;
    private readonly DeviceRegistry _registry;

    // The last alarm id handed out, for the reservation loop; bounded to one value: only the newest matters.
    private readonly Channel<long> _idsInUse = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
    private AlarmIdReservation? _ids;

    public AlarmService(
        AlarmFeed feed, AlarmRules rules, IOptions<AlertOptions> options, IOptions<GatewayOptions> gatewayOptions,
        IOptions<IngestionOptions> ingestionOptions, IOptions<SerialOptions> serialOptions, MqttAlarmPublisher publisher,
        WebhookDispatcher webhooks, AlarmBroadcast stations, DeviceStatusEvents statusEvents, AttachedSensorEvents attachedEvents,
        BedExitArmingStore bedExitArmings, PendingFrameQueue pendingFrames, AlarmStatistics statistics,
        AlarmJournalQueue journal, JournalStatistics journalStatistics, GatewayJournal gatewayJournal, DeviceRegistry registry,
        [FromKeyedServices(AlarmClock.Key)] TimeProvider clock, ILogger<AlarmService> logger)
    {
        _gatewayJournal = gatewayJournal;
        _registry = registry;
        _feed = feed;
        _engine = new AlarmEngine(rules);
        _options = options.Value;
        _topics = new AlarmTopics(_options.TopicPrefix);
        _gatewayId = gatewayOptions.Value.GatewayId;
        _publisher = publisher;
        _webhooks = webhooks;
        _stations = stations;
        _statusEvents = statusEvents;
        _attachedEvents = attachedEvents;
        _bedExitArmings = bedExitArmings;
        _pendingFrames = pendingFrames;
        _pendingFrameCapacity = ingestionOptions.Value.PendingFrameCapacity;
        foreach (var port in serialOptions.Value.Ports)
        {
            _portOfDevice.TryAdd(port.DeviceId, port.DevicePath);
        }

        _statistics = statistics;
        _journal = journal;
        _journalStatistics = journalStatistics;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Completes once the consumer runs and the tick timer exists (tests start their fake clock after it).</summary>
    public Task Started => _started.Task;

    /// <summary>
    /// Restores the engine from the journal, before the host starts any service: ingestion's first frame finds the
    /// alarms of before the restart in place (docs/alerts.md §9).
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var history = _gatewayJournal.CreateAlarmHistory();
        _ids = AlarmIdReservation.Open(_gatewayJournal.AlarmIdReservationFile, out var damaged);
        var lastAlarmId = _ids.Reserved;
        if (damaged)
        {
            lastAlarmId = history.LastAlarmId + AlarmIdReservation.DamagedGap;
            Log.AlarmIdReservationDamaged(_logger, _gatewayJournal.AlarmIdReservationFile, lastAlarmId + 1);
        }

        foreach (var entry in _gatewayJournal.UnreadableAlarmEntries)
        {
            _statistics.RecordAlarmNotRestored();
            Log.AlarmEntryUnreadable(_logger, entry.Index, entry.Failure);
        }

        var snapshot = AlarmRestore.Create(history, lastAlarmId, _registry, now, out var unreadable) with { BedExitArmed = _bedExitArmings.Load() };
        foreach (var alarm in unreadable)
        {
            _statistics.RecordAlarmNotRestored();
            Log.AlarmNotRestored(_logger, alarm.AlarmId, alarm.ConditionKey);
        }

        // Reserved durably before the first new id can be handed out.
        TryReserveIds(snapshot.LastAlarmId);
        var events = new List<AlarmEvent>();
        _engine.Restore(snapshot, now, events);
        Log.AlarmsRestored(_logger, _engine.ActiveAlarms().Count, snapshot.LastAlarmId + 1, snapshot.Devices.Count);

        // The retained state of every place the gateway serves, so a state left on the broker by an event the journal
        // never got (the crash window, docs/alerts.md §9) is replaced by what the engine now holds.
        var places = new HashSet<(AlarmChannel, BedLocation?)> { (AlarmChannel.CareTeam, null), (AlarmChannel.InformationTechnology, null) };
        places.UnionWith(_registry.Devices.Select(device => (AlarmChannel.CareTeam, (BedLocation?)device.Location)));
        places.UnionWith(_engine.ActiveAlarms().Select(alarm => (alarm.Channel, alarm.Bed)));
        Dispatch(events, arrivalTimestamp: 0, places);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        Task.Run(() => TickAsync(stoppingToken), CancellationToken.None),
        Task.Run(() => ForwardDeviceStatusAsync(stoppingToken), CancellationToken.None),
        Task.Run(() => ForwardAttachedSensorsAsync(stoppingToken), CancellationToken.None),
        Task.Run(() => ConsumeAsync(stoppingToken), CancellationToken.None),
        Task.Run(() => ReserveIdsAsync(stoppingToken), CancellationToken.None));

    /// <summary>Keeps the durable id reservation a block ahead of the ids handed out, off the alarms' path.</summary>
    private async Task ReserveIdsAsync(CancellationToken stoppingToken)
    {
        _ = _ids ?? throw new InvalidOperationException("The alert service was started without StartingAsync.");
        try
        {
            await foreach (var lastUsed in _idsInUse.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                TryReserveIds(lastUsed);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reserves ids after <paramref name="lastUsed"/>; a failed write is logged and tried again with the next alarm, never stops alarms.</summary>
    private void TryReserveIds(long lastUsed)
    {
        try
        {
            _ids!.ReserveAfter(lastUsed);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            var failures = _statistics.RecordIdReservationFailure();
            if (failures == 1 || failures % 1_000 == 0)
            {
                Log.AlarmIdReservationFailed(_logger, _gatewayJournal.AlarmIdReservationFile, failures, exception.Message);
            }
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        // IEC 60601-1-8 asks alarm delays to be disclosed: time-driven conditions add up to one tick (docs/alerts.md §3).
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _clock);
        _started.TrySetResult();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await _feed.WriteTickAsync(_clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ForwardDeviceStatusAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var statusEvent in _statusEvents.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (ToInput(statusEvent) is { } input)
                {
                    await _feed.WriteAsync(input, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The attached sensors' inputs (sensor faults, call and answer buttons) into the feed as they come; the engine judges
    /// and counts them like any input (a refused one is counted and logged once per reason).
    /// </summary>
    private async Task ForwardAttachedSensorsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var input in _attachedEvents.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await _feed.WriteAsync(input, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private AlarmInput? ToInput(DeviceStatusEvent statusEvent)
    {
        var device = statusEvent.Device;
        var bed = device.Location;
        var port = _portOfDevice.TryGetValue(device.DeviceId, out var path) ? path : device.DeviceId;
        return statusEvent.Kind switch
        {
            DeviceStatusEventKind.StatusChanged => new DeviceStatusReport(bed, device.DeviceId, statusEvent.Status),
            DeviceStatusEventKind.Connected or DeviceStatusEventKind.Reconnected => new SerialPortStatus(port, bed, Connected: true),
            DeviceStatusEventKind.Disconnected => new SerialPortStatus(port, bed, Connected: false),
            // A silent port is judged by the engine from the readings it stops getting (device silent).
            _ => null,
        };
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        Log.AlarmServiceStarted(_logger, _engine.Rules.Vitals.Count, _options.Webhooks.Count, _topics.Prefix);
        var events = new List<AlarmEvent>();
        var reader = _feed.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var work))
                {
                    Handle(work, events);
                    if (events.Count > 0)
                    {
                        // An id goes out only once reserved: the loop keeps half a block ahead, so this waits on the disk
                        // only if that loop fell 500 alarms behind.
                        if (_ids!.IsBeyond(_engine.LastAlarmId))
                        {
                            TryReserveIds(_engine.LastAlarmId);
                        }

                        Dispatch(events, work.ArrivalTimestamp);
                        events.Clear();
                        if (_ids.IsRunningLow(_engine.LastAlarmId))
                        {
                            _idsInUse.Writer.TryWrite(_engine.LastAlarmId);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            while (reader.TryRead(out var work))
            {
                work.Request?.Cancel();
            }
        }
    }

    private void Handle(AlarmWork work, List<AlarmEvent> events)
    {
        var now = _clock.GetUtcNow();
        if (work.Frame is { } frame)
        {
            // A status carried in the frame applies before its readings (a value sent with "sensor off" is not the patient's).
            if (FrameStatus.From(frame) is { } report)
            {
                ApplyFrameStatus(report, frame.Frame.SequenceNumber, now, events);
            }

            foreach (var reading in FrameReadings.From(frame, work.ReceivedAt))
            {
                Count(reading, _engine.Process(reading, now, events));
            }

            _statistics.RecordFrame();
        }
        else if (work.Input is { } input)
        {
            Count(input, _engine.Process(input, now, events));
            _statistics.RecordSecurityRepeatsSuppressed(_engine.SecurityRepeatsSuppressed);
            _statistics.RecordInput();
        }
        else if (work.Request is { } request)
        {
            request.Run(_engine, now, events);
        }
        else
        {
            _engine.Tick(now, events);
            Count(null, _engine.Process(new GatewayBacklogLevel(Math.Min(_pendingFrames.Reader.Count, _pendingFrameCapacity), _pendingFrameCapacity), now, events));
            _statistics.RecordTick();
        }
    }

    /// <summary>
    /// Applies the status a frame reports, unless the frame is older (by sequence number) than the last frame of the
    /// device whose status was applied: a late frame (inside the replay window) must not bring back a status the device
    /// has since cleared. A change is logged (event 47), as serial ingestion logs its devices' status.
    /// </summary>
    private void ApplyFrameStatus(DeviceStatusReport report, long sequenceNumber, DateTimeOffset now, List<AlarmEvent> events)
    {
        var known = _statusInFrames.TryGetValue(report.DeviceId, out var last);
        if (known && sequenceNumber <= last.Sequence)
        {
            return;
        }

        _statusInFrames[report.DeviceId] = (sequenceNumber, report.Status);
        if (last.Status != report.Status)
        {
            Log.DeviceStatusChanged(_logger, report.DeviceId, report.Status);
        }

        Count(report, _engine.Process(report, now, events));
    }

    private void Count(AlarmInput? input, AlarmInputRejection rejection)
    {
        if (rejection != AlarmInputRejection.None && _statistics.RecordRejection(rejection) == 1)
        {
            Log.AlarmInputRejected(_logger, input?.GetType().Name ?? nameof(GatewayBacklogLevel), rejection);
        }
    }

    private void Dispatch(List<AlarmEvent> events, long arrivalTimestamp, HashSet<(AlarmChannel, BedLocation?)>? changedPlaces = null)
    {
        changedPlaces ??= [];
        foreach (var alarmEvent in events)
        {
            var alarm = alarmEvent.Alarm;
            Log.AlarmEventOccurred(_logger, alarmEvent.Kind, alarm.AlarmId, alarm.Condition.Key, alarm.Bed?.ToString() ?? "gateway", alarm.Priority, alarm.EscalationLevel);
            var topic = alarm.Channel == AlarmChannel.InformationTechnology ? _topics.SecurityEvents : _topics.Events(alarm.Bed);
            var payload = AlarmJson.Event(alarmEvent, _gatewayId, _options);
            _publisher.Enqueue(new AlarmMessage(topic, payload, Retain: false, arrivalTimestamp));
            if (_options.PublishEscalations && alarm.Channel == AlarmChannel.CareTeam && alarm.EscalationLevel > 0)
            {
                // The recipient the alarm escalated to gets it (and its later events: acknowledged, resolved) on its own topic.
                _publisher.Enqueue(new AlarmMessage(_topics.Escalations(alarm.Bed, _options.RecipientAt(alarm.EscalationLevel)), payload, Retain: false));
            }

            _webhooks.Accept(alarmEvent);
            if (_stations.HasSubscribers)
            {
                _stations.Publish(new AlarmBroadcastMessage(AlarmBroadcastKind.Alarm, alarm.Channel, alarm.Bed,
                    AlarmJson.Event(alarmEvent, _gatewayId, _options, publishedAt: _stations.Now)));
            }

            // Journaled (docs/ledger-entry-format.md, version 2) and from there written to InfluxDB; never waited for.
            if (!_journal.TryEnqueue(alarmEvent))
            {
                var dropped = _journalStatistics.RecordAlarmEventNotJournaled();
                if (dropped == 1 || dropped % 1000 == 0)
                {
                    Log.AlarmJournalQueueFull(_logger, alarmEvent.Kind.ToString(), alarm.AlarmId, dropped);
                }
            }
            // A security alarm (the IT channel) belongs to no bed, so its place is the channel's one state.
            changedPlaces.Add((alarm.Channel, alarm.Bed));
        }

        var active = _engine.ActiveAlarms();
        var now = _clock.GetUtcNow();
        foreach (var (channel, bed) in changedPlaces)
        {
            if (channel == AlarmChannel.InformationTechnology)
            {
                var security = active.Where(alarm => alarm.Channel == AlarmChannel.InformationTechnology);
                var state = AlarmJson.State(null, security, now, _gatewayId, _options);
                _publisher.Enqueue(new AlarmMessage(_topics.SecurityState, state, Retain: true));
                PublishToStations(channel, bed, state);
            }
            else
            {
                var here = active.Where(alarm => alarm.Channel == AlarmChannel.CareTeam && alarm.Bed == bed);
                var state = AlarmJson.State(bed, here, now, _gatewayId, _options);
                _publisher.Enqueue(new AlarmMessage(_topics.State(bed), state, Retain: true));
                PublishToStations(channel, bed, state);
            }
        }

        _statistics.RecordEvents(events);
    }

    /// <summary>A place's new state to the open stations (docs/station.md, "Live events"); never waits.</summary>
    private void PublishToStations(AlarmChannel channel, BedLocation? bed, byte[] state)
    {
        if (_stations.HasSubscribers)
        {
            _stations.Publish(new AlarmBroadcastMessage(AlarmBroadcastKind.PlaceState, channel, bed, state));
        }
    }
}
