using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.News2;
using MedIoT.Alerts.Physiological;
using MedIoT.Alerts.Rules;
using MedIoT.Alerts.Security;
using MedIoT.Alerts.Staff;
using MedIoT.Alerts.Technical;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts;

/// <summary>
/// The alert engine: pure, in memory, no I/O and no clock of its own. The caller feeds it inputs one at a time
/// with the current gateway time, calls <see cref="Tick"/> periodically (every second) so that time-driven
/// conditions (device silent, stale NEWS2 parameters, persistence of device status, escalation) advance, and
/// delivers the <see cref="AlarmEvent"/>s it appends. Not thread-safe: one consumer (a bounded channel in front
/// of it) owns it.
/// </summary>
/// <remarks>
/// All durations are measured on the gateway clock passed as <c>now</c>; a <c>now</c> earlier than one already
/// seen is taken as the latest seen. Device measurement times only decide which value is newest and how fresh it is.
/// </remarks>
public sealed class AlarmEngine
{
    /// <summary>
    /// Distinct active security alarms before further devices' events are counted on one alarm per reason whose
    /// subject is <see cref="ManyDevices"/>.
    /// </summary>
    public const int MaxSecurityAlarms = 256;

    /// <summary>The subject of the per-reason security alarm that collects events beyond <see cref="MaxSecurityAlarms"/>.</summary>
    public const string ManyDevices = "many-devices";

    private readonly AlarmRules _rules;
    private readonly AlarmBook _book;
    private readonly Dictionary<BedLocation, BedState> _beds = [];
    private readonly Dictionary<string, DeviceWatch> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SerialPortWatch> _disconnectedPorts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AttachedSensorWatch> _faultySensors = new(StringComparer.Ordinal);
    private readonly Dictionary<BedLocation, BedExitWatch> _bedExits = [];
    private readonly bool[] _backlogLevelReached;
    private readonly DeviceStatus _invalidatingFlags;
    private readonly SecurityThrottle _security;
    private DateTimeOffset _latest = DateTimeOffset.MinValue;

    /// <summary>Creates an engine with no alarms.</summary>
    public AlarmEngine(AlarmRules rules)
    {
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _book = new AlarmBook(rules.Lifecycle);
        _security = new SecurityThrottle(rules.Security.RepeatInterval);
        _backlogLevelReached = new bool[rules.Technical.Backlog.Levels.Count];
        foreach (var rule in rules.Technical.DeviceStatus.Where(rule => rule.InvalidatesReadings))
        {
            _invalidatingFlags |= rule.Status;
        }
    }

    /// <summary>The rules in force.</summary>
    public AlarmRules Rules => _rules;

    /// <summary>The highest alarm id handed out so far (or restored); the next alarm gets the one after it.</summary>
    public long LastAlarmId => _book.LastAlarmId;

    /// <summary>
    /// Failing frames (security events) that raised no alarm of their own: counted on their condition's active alarm, or
    /// kept for the summary alarm at the end of its repeat interval (<see cref="SecurityRules.RepeatInterval"/>).
    /// </summary>
    public long SecurityRepeatsSuppressed => _security.Suppressed;

    /// <summary>
    /// Starts the engine from <paramref name="snapshot"/>, the state it had when it last stopped, before any input or tick
    /// (docs/alerts.md §9). Each restored alarm keeps its id, condition, place, priority, acknowledgement, escalation level
    /// and escalation clock, and the state that judges its condition is set to match it, so that it neither flaps nor
    /// raises again: a vital limit stays confirmed until a sample clears it by the hysteresis, a NEWS2 band stands until
    /// the device-measured parameters are fresh again, a silent device stays silent until heard, a reported status and a
    /// disconnected port and a faulty attached sensor stay until reported otherwise. Rate-of-change windows start empty and
    /// are judged afresh by the next sample. The beds in <see cref="RestoreSnapshot.BedExitArmed"/> are armed again with their
    /// settled weight unknown: it is learned afresh, and a restored <em>bed exit</em> holds until the patient has lain
    /// steady in bed for the settle time again (a bed exit restored at a bed no longer armed clears). The devices in the
    /// snapshot are watched from their last-heard time, so one that stays silent raises <em>device silent</em> on time.
    /// Appended to <paramref name="events"/>: an older restored alarm superseded by a newer one of the same condition, and
    /// the device alarms of devices no longer watched at that bed (removed, revoked or moved while the gateway was down) and
    /// the vital alarms the rules no longer judge, as their condition clearing (resolved, or latched when high and
    /// unacknowledged).
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine has already processed an input or a tick, or was restored.</exception>
    /// <exception cref="ArgumentException">The snapshot is inconsistent (an id above <see cref="RestoreSnapshot.LastAlarmId"/> or given twice, an invalid place, name or staff identity).</exception>
    public void Restore(RestoreSnapshot snapshot, DateTimeOffset now, List<AlarmEvent> events)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(events);
        if (_latest != DateTimeOffset.MinValue)
        {
            throw new InvalidOperationException("Restore starts the engine: it must come before any input or tick.");
        }

        now = Advance(now);
        foreach (var device in snapshot.Devices)
        {
            if (!IsName(device.DeviceId) || !device.Bed.IsValid)
            {
                throw new ArgumentException($"A watched device needs a valid id and bed ({device.DeviceId}).", nameof(snapshot));
            }

            _devices[device.DeviceId] = new DeviceWatch(device.DeviceId, device.Bed, Earlier(device.LastHeard, now));
        }

        foreach (var arming in snapshot.BedExitArmed)
        {
            if (arming is null || !arming.Armed || !arming.Bed.IsValid || !arming.StaffId.IsValid)
            {
                throw new ArgumentException("An armed bed needs a valid bed and staff identity, with Armed set.", nameof(snapshot));
            }

            _bedExits[arming.Bed] = new BedExitWatch(arming.StaffId, Earlier(arming.At, now));
        }

        foreach (var alarm in _book.Restore(snapshot.LastAlarmId, snapshot.Alarms, now, events))
        {
            Resume(alarm, now, events);
        }
    }

    /// <summary>
    /// Applies one input at <paramref name="now"/> and appends what happened to alarms to <paramref name="events"/>
    /// (in order). Bad input changes nothing and returns why; it never throws.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="events"/> is null (a programming error).</exception>
    public AlarmInputRejection Process(AlarmInput input, DateTimeOffset now, List<AlarmEvent> events)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(events);
        now = Advance(now);
        // Escalation is time-driven and left to Tick, keeping the per-reading path short.
        return input switch
        {
            VitalReading reading => OnReading(reading, now, events),
            DeviceStatusReport report => OnDeviceStatus(report, now, events),
            ConsciousnessRecorded observation => OnStaffObservation(observation.Bed, observation.StaffId, now, events,
                Enum.IsDefined(observation.Level), news2 => news2.RecordConsciousness(observation.Level, Earlier(observation.ObservedAt, now), observation.StaffId)),
            SupplementalOxygenRecorded observation => OnStaffObservation(observation.Bed, observation.StaffId, now, events,
                true, news2 => news2.RecordOxygen(observation.OnOxygen, Earlier(observation.ObservedAt, now), observation.StaffId)),
            OxygenSaturationScaleSet assignment => OnStaffObservation(assignment.Bed, assignment.StaffId, now, events,
                Enum.IsDefined(assignment.Scale), news2 => news2.SetScale(assignment.Scale, assignment.StaffId)),
            PatientDischarged discharge => OnDischarge(discharge, now, events),
            BedExitMonitoringSet arming => OnBedExitMonitoring(arming, now, events),
            PatientCallPressed call => OnPatientCall(call.Bed, call.SourceName, pressed: true, now, events),
            PatientCallAnswered answer => OnPatientCall(answer.Bed, answer.SourceName, pressed: false, now, events),
            AttachedSensorStatus sensor => OnAttachedSensor(sensor, now, events),
            DeviceRemoved removal => OnDeviceRemoved(removal, now, events),
            SerialPortStatus port => OnSerialPort(port, now, events),
            GatewayBacklogLevel backlog => OnBacklog(backlog, now, events),
            SecurityEvent security => OnSecurityEvent(security, now, events),
            AlarmAcknowledgement acknowledgement => acknowledgement.StaffId.IsValid
                ? _book.Acknowledge(acknowledgement.AlarmId, acknowledgement.StaffId, now, events)
                : AlarmInputRejection.InvalidStaffIdentity,
            _ => throw new ArgumentException($"Unsupported alert input type {input.GetType().Name}.", nameof(input)),
        };
    }

    /// <summary>
    /// Advances time-driven conditions to <paramref name="now"/>: devices gone silent, device status, serial ports and
    /// attached sensors past their persistence, a bed's load below its share for the sustain time, NEWS2 parameters going
    /// stale and pending NEWS2 rises and falls, escalation.
    /// </summary>
    public void Tick(DateTimeOffset now, List<AlarmEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        now = Advance(now);
        var silent = _rules.Technical.DeviceSilent;
        foreach (var device in _devices.Values)
        {
            if (!device.Silent && now - device.LastHeard >= silent.After)
            {
                device.Silent = true;
                _book.Set(device.Bed, AlarmCondition.DeviceSilent(device.DeviceId), device.DeviceId, silent.Priority, null, now, events);
            }

            CheckDeviceFlags(device, now, events);
        }

        CheckSerialPorts(now, events);
        CheckAttachedSensors(now, events);
        foreach (var (bed, watch) in _bedExits)
        {
            StepBedExit(bed, watch, now, events);
        }

        foreach (var (bed, state) in _beds)
        {
            StepNews2(bed, state, now, events);
        }

        foreach (var (condition, pending) in _security.EndWindows(now, condition => _book.IsActive(null, condition)))
        {
            // The repeats kept back since the last alarm of this condition, summarised in one alarm.
            _book.Occurred(condition, _rules.Security.Priority, pending, now, events);
        }

        _book.Escalate(now, events);
    }

    /// <summary>Every active alarm (including latched and acknowledged ones), oldest first.</summary>
    public IReadOnlyList<Alarm> ActiveAlarms() => [.. _book.Snapshot()];

    /// <summary>The bed's bed-exit monitoring: armed or not, and whether the settled weight is known.</summary>
    public BedExitMonitoring BedExitMonitoringAt(BedLocation bed) =>
        _bedExits.TryGetValue(bed, out var watch)
            ? new BedExitMonitoring(true, watch.SettledKilograms is not null, watch.ArmedBy, watch.ArmedAt)
            : BedExitMonitoring.Disarmed;

    /// <summary>Every armed bed, as the input that armed it (what a caller persists to give back through <see cref="RestoreSnapshot.BedExitArmed"/>).</summary>
    public IReadOnlyList<BedExitMonitoringSet> BedExitArmings() =>
        [.. _bedExits.Select(pair => new BedExitMonitoringSet(pair.Key, true, pair.Value.ArmedBy, pair.Value.ArmedAt))];

    /// <summary>The bed's NEWS2 from fresh values at <paramref name="now"/>; null for a bed the engine has heard nothing about.</summary>
    public News2Assessment? AssessNews2(BedLocation bed, DateTimeOffset now) =>
        _beds.TryGetValue(bed, out var state) ? state.News2.Assess(now, _rules.News2) : null;

    private AlarmInputRejection OnReading(VitalReading reading, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!reading.Bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (!IsName(reading.DeviceId))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        if (!double.IsFinite(reading.Value))
        {
            return AlarmInputRejection.NonFiniteValue;
        }

        var device = Heard(reading.DeviceId, reading.Bed, now, events);
        if ((device.Status & _invalidatingFlags) != 0)
        {
            // The device itself says the value is not a measurement of the patient (sensor off, no cable...).
            return AlarmInputRejection.None;
        }

        if (reading.MdcCode == MdcCodes.BodyWeight && _bedExits.TryGetValue(reading.Bed, out var bedExit))
        {
            bedExit.Record(reading.Value, reading.DeviceId, now, _rules.BedExit);
            StepBedExit(reading.Bed, bedExit, now, events);
        }

        var state = Bed(reading.Bed);
        var sampleTime = Earlier(reading.SampleTime, now);
        if (BedNews2.ParameterOf(reading.MdcCode) is { } parameter)
        {
            state.News2.Record(parameter, reading.Value, sampleTime, reading.DeviceId);
        }

        var news2 = StepNews2(reading.Bed, state, now, events);
        if (_rules.VitalRuleFor(reading.Bed, reading.MdcCode) is not { } rule)
        {
            return AlarmInputRejection.None;
        }

        // One tracker per (bed, device, code): each device's samples confirm and clear only its own conditions.
        var code = reading.MdcCode;
        if (!state.Vitals.TryGetValue((reading.DeviceId, code), out var tracker))
        {
            tracker = new VitalTracker(rule);
            state.Vitals.Add((reading.DeviceId, code), tracker);
        }

        if (!tracker.TryAccept(sampleTime))
        {
            return AlarmInputRejection.None;
        }

        tracker.Evaluate(reading.Value, now);
        var score = news2.FreshParameters > 0 ? news2.AggregateScore : (int?)null;
        SetVital(reading, state, tracker, AlarmCondition.VitalBelow(code), static c => c.Below, score, now, events);
        SetVital(reading, state, tracker, AlarmCondition.VitalAbove(code), static c => c.Above, score, now, events);
        SetVital(reading, state, tracker, AlarmCondition.VitalFalling(code), static c => c.Falling, score, now, events);
        SetVital(reading, state, tracker, AlarmCondition.VitalRising(code), static c => c.Rising, score, now, events);
        return AlarmInputRejection.None;
    }

    /// <summary>
    /// The bed's one alarm for a vital condition takes the highest priority that any device's tracker of the code
    /// calls for (the device that just reported wins ties and names a new alarm). Another device's verdict counts while
    /// its last sample of the code is no older than <c>technical.deviceSilent.afterSeconds</c>: a device that stopped
    /// measuring the code (silent, or its readings invalidated by a status such as sensor off) then no longer holds the
    /// alarm up against the samples of a device that still measures the patient (docs/alerts.md §1).
    /// </summary>
    private void SetVital(VitalReading reading, BedState state, VitalTracker current, AlarmCondition condition,
        Func<VitalConditions, AlarmPriority?> side, int? score, DateTimeOffset now, List<AlarmEvent> events)
    {
        var wanted = side(current.Last);
        var deviceId = reading.DeviceId;
        var lapse = _rules.Technical.DeviceSilent.After;
        foreach (var ((device, code), tracker) in state.Vitals)
        {
            if (code != reading.MdcCode || ReferenceEquals(tracker, current) || now - tracker.LastEvaluatedAt > lapse)
            {
                continue;
            }

            if (side(tracker.Last) is { } priority && (wanted is null || priority > wanted))
            {
                wanted = priority;
                deviceId = device;
            }
        }

        _book.Set(reading.Bed, condition, deviceId, wanted, score, now, events);
    }

    private AlarmInputRejection OnDeviceStatus(DeviceStatusReport report, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!report.Bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (!IsName(report.DeviceId))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        var device = Heard(report.DeviceId, report.Bed, now, events);
        device.Status = report.Status;
        foreach (var rule in _rules.Technical.DeviceStatus)
        {
            if ((report.Status & rule.Status) != 0)
            {
                device.FlagSince.TryAdd(rule.Status, now);
            }
            else if (device.FlagSince.Remove(rule.Status))
            {
                _book.Set(device.Bed, AlarmCondition.DeviceReports(device.DeviceId, rule.Status), device.DeviceId, null, null, now, events);
            }
        }

        CheckDeviceFlags(device, now, events);
        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnStaffObservation(BedLocation bed, StaffId staffId, DateTimeOffset now, List<AlarmEvent> events, bool valid, Action<BedNews2> record)
    {
        if (!bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (!staffId.IsValid)
        {
            return AlarmInputRejection.InvalidStaffIdentity;
        }

        if (!valid)
        {
            return AlarmInputRejection.InvalidValue;
        }

        var state = Bed(bed);
        record(state.News2);
        StepNews2(bed, state, now, events);
        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnDischarge(PatientDischarged discharge, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!discharge.Bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (!discharge.StaffId.IsValid)
        {
            return AlarmInputRejection.InvalidStaffIdentity;
        }

        _beds.Remove(discharge.Bed);
        _bedExits.Remove(discharge.Bed);
        _book.ResolveAll(discharge.Bed, AlarmCategory.Physiological, now, events);
        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnBedExitMonitoring(BedExitMonitoringSet arming, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!arming.Bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (!arming.StaffId.IsValid)
        {
            return AlarmInputRejection.InvalidStaffIdentity;
        }

        if (arming.Armed)
        {
            // Arming an armed bed keeps what it learned.
            _bedExits.TryAdd(arming.Bed, new BedExitWatch(arming.StaffId, Earlier(arming.At, now)));
        }
        else if (_bedExits.Remove(arming.Bed))
        {
            // Disarming is a nurse at the bed: the bed exit ends, latched or not.
            _book.Resolve(arming.Bed, AlarmCondition.BedExit, now, events);
        }

        return AlarmInputRejection.None;
    }

    private void StepBedExit(BedLocation bed, BedExitWatch watch, DateTimeOffset now, List<AlarmEvent> events) =>
        _book.Set(bed, AlarmCondition.BedExit, watch.DeviceId, watch.Step(now, _rules.BedExit) ? _rules.BedExit.Priority : null, null, now, events);

    private AlarmInputRejection OnPatientCall(BedLocation bed, string sourceName, bool pressed, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (!IsName(sourceName))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        if (pressed)
        {
            _book.Set(bed, AlarmCondition.PatientCall, sourceName, _rules.PatientCall.Priority, null, now, events);
        }
        else
        {
            // Answered at the bed: the call is over, whatever its priority (a high-priority call does not latch past its answer).
            _book.Resolve(bed, AlarmCondition.PatientCall, now, events);
        }

        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnAttachedSensor(AttachedSensorStatus sensor, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!IsName(sensor.SensorName))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        if (!sensor.Bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (sensor.Working)
        {
            if (_faultySensors.Remove(sensor.SensorName, out var watch))
            {
                _book.Set(watch.Bed, AlarmCondition.AttachedSensorFault(sensor.SensorName), sensor.SensorName, null, null, now, events);
            }
        }
        else
        {
            _faultySensors.TryAdd(sensor.SensorName, new AttachedSensorWatch(sensor.Bed, now));
            CheckAttachedSensors(now, events);
        }

        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnDeviceRemoved(DeviceRemoved removal, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!IsName(removal.DeviceId))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        foreach (var state in _beds.Values)
        {
            foreach (var key in state.Vitals.Keys.Where(key => key.DeviceId == removal.DeviceId).ToList())
            {
                state.Vitals.Remove(key);
            }
        }

        if (_devices.Remove(removal.DeviceId, out var device))
        {
            _book.Set(device.Bed, AlarmCondition.DeviceSilent(device.DeviceId), device.DeviceId, null, null, now, events);
            foreach (var rule in _rules.Technical.DeviceStatus)
            {
                _book.Set(device.Bed, AlarmCondition.DeviceReports(device.DeviceId, rule.Status), device.DeviceId, null, null, now, events);
            }
        }

        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnSerialPort(SerialPortStatus port, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!IsName(port.PortName))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        if (port.Bed is { } bed && !bed.IsValid)
        {
            return AlarmInputRejection.InvalidLocation;
        }

        if (port.Connected)
        {
            if (_disconnectedPorts.Remove(port.PortName, out var watch))
            {
                _book.Set(watch.Bed, AlarmCondition.SerialPortDisconnected(port.PortName), null, null, null, now, events);
            }
        }
        else
        {
            _disconnectedPorts.TryAdd(port.PortName, new SerialPortWatch(port.Bed, now));
            CheckSerialPorts(now, events);
        }

        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnBacklog(GatewayBacklogLevel backlog, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (backlog.Capacity <= 0 || backlog.PendingFrames < 0 || backlog.PendingFrames > backlog.Capacity)
        {
            return AlarmInputRejection.InvalidValue;
        }

        var rule = _rules.Technical.Backlog;
        var fraction = (double)backlog.PendingFrames / backlog.Capacity;
        AlarmPriority? wanted = null;
        for (var index = 0; index < rule.Levels.Count; index++)
        {
            var level = rule.Levels[index];
            if (fraction >= level.AtFraction)
            {
                _backlogLevelReached[index] = true;
            }
            else if (fraction < level.AtFraction - rule.ClearHysteresis)
            {
                _backlogLevelReached[index] = false;
            }

            if (_backlogLevelReached[index])
            {
                wanted = level.Priority;
            }
        }

        _book.Set(null, AlarmCondition.GatewayBacklog, null, wanted, null, now, events);
        return AlarmInputRejection.None;
    }

    private AlarmInputRejection OnSecurityEvent(SecurityEvent security, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!SecurityEvent.IsSecurityReason(security.Reason))
        {
            return AlarmInputRejection.NotASecurityReason;
        }

        if (!IsName(security.ClaimedDeviceId))
        {
            return AlarmInputRejection.InvalidDeviceId;
        }

        // The claimed device id is chosen by whoever sends the frame: the alarm names it as a claim, never at the bed of
        // the device registered under it, and a flood of invented ids must neither grow memory nor bury IT in alarms:
        // beyond the cap, events are counted on one alarm per reason.
        var condition = AlarmCondition.Security(security.Reason, security.ClaimedDeviceId);
        if (!_security.Tracks(condition) && _security.Count >= MaxSecurityAlarms)
        {
            condition = AlarmCondition.Security(security.Reason, ManyDevices);
        }

        if (_book.IsActive(null, condition))
        {
            _security.CountRepeat();
            _book.Occurred(condition, _rules.Security.Priority, 1, now, events);
        }
        else if (_security.TryOpen(condition, now, out var pending))
        {
            _book.Occurred(condition, _rules.Security.Priority, pending + 1, now, events);
        }

        return AlarmInputRejection.None;
    }

    /// <summary>Sets the state that judges a restored alarm's condition to match it (<see cref="Restore"/>).</summary>
    private void Resume(Alarm alarm, DateTimeOffset now, List<AlarmEvent> events)
    {
        var condition = alarm.Condition;
        switch (condition.Kind)
        {
            case AlarmConditionKind.VitalBelowLimit or AlarmConditionKind.VitalAboveLimit when alarm.ConditionPresent && alarm.Bed is { } bed:
                if (_rules.VitalRuleFor(bed, condition.MdcCode) is not { } rule || alarm.DeviceId is not { } deviceId || !IsName(deviceId))
                {
                    _book.Set(bed, condition, alarm.DeviceId, null, null, now, events);
                    break;
                }

                var tracker = new VitalTracker(rule);
                tracker.Seed(condition.Kind == AlarmConditionKind.VitalBelowLimit ? LimitDirection.Below : LimitDirection.Above, alarm.Priority, now);
                Bed(bed).Vitals[(deviceId, condition.MdcCode)] = tracker;
                break;
            case AlarmConditionKind.News2 when alarm.ConditionPresent && alarm.Bed is { } bed:
                Bed(bed).News2.Restore(alarm.Priority);
                break;
            case AlarmConditionKind.DeviceSilent or AlarmConditionKind.DeviceStatus:
                if (!_devices.TryGetValue(condition.Subject!, out var device) || device.Bed != alarm.Bed)
                {
                    _book.Set(alarm.Bed, condition, alarm.DeviceId, null, null, now, events);
                }
                else if (alarm.ConditionPresent && condition.Kind == AlarmConditionKind.DeviceSilent)
                {
                    device.Silent = true;
                }
                else if (alarm.ConditionPresent)
                {
                    device.Status |= condition.Status;
                    device.FlagSince[condition.Status] = Earlier(alarm.RaisedAt, now);
                }

                break;
            case AlarmConditionKind.BedExit when alarm.ConditionPresent:
                if (alarm.Bed is { } exitBed && _bedExits.TryGetValue(exitBed, out var bedExit))
                {
                    bedExit.Exited = true;
                }
                else
                {
                    _book.Set(alarm.Bed, condition, alarm.DeviceId, null, null, now, events);
                }

                break;
            case AlarmConditionKind.AttachedSensorFault when alarm.ConditionPresent:
                if (alarm.Bed is { } sensorBed)
                {
                    _faultySensors.TryAdd(condition.Subject!, new AttachedSensorWatch(sensorBed, Earlier(alarm.RaisedAt, now)));
                }
                else
                {
                    _book.Set(alarm.Bed, condition, alarm.DeviceId, null, null, now, events);
                }

                break;
            case AlarmConditionKind.SerialPortDisconnected when alarm.ConditionPresent:
                _disconnectedPorts.TryAdd(condition.Subject!, new SerialPortWatch(alarm.Bed, Earlier(alarm.RaisedAt, now)));
                break;
            case AlarmConditionKind.GatewayBacklog when alarm.ConditionPresent:
                for (var index = 0; index < _backlogLevelReached.Length; index++)
                {
                    _backlogLevelReached[index] = _rules.Technical.Backlog.Levels[index].Priority <= alarm.Priority;
                }

                break;
            case AlarmConditionKind.SecurityEvent:
                _security.Restore(condition, Earlier(alarm.RaisedAt, now));
                break;
        }
    }

    private DeviceWatch Heard(string deviceId, BedLocation bed, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            device = new DeviceWatch(deviceId, bed, now);
            _devices.Add(deviceId, device);
            return device;
        }

        device.LastHeard = now;
        if (device.Silent)
        {
            device.Silent = false;
            _book.Set(device.Bed, AlarmCondition.DeviceSilent(deviceId), deviceId, null, null, now, events);
        }

        device.Bed = bed;

        return device;
    }

    private void CheckDeviceFlags(DeviceWatch device, DateTimeOffset now, List<AlarmEvent> events)
    {
        foreach (var rule in _rules.Technical.DeviceStatus)
        {
            if (device.FlagSince.TryGetValue(rule.Status, out var since) && now - since >= rule.Persistence)
            {
                _book.Set(device.Bed, AlarmCondition.DeviceReports(device.DeviceId, rule.Status), device.DeviceId, rule.Priority, null, now, events);
            }
        }
    }

    private void CheckSerialPorts(DateTimeOffset now, List<AlarmEvent> events)
    {
        var rule = _rules.Technical.SerialPortDisconnected;
        foreach (var (name, watch) in _disconnectedPorts)
        {
            if (now - watch.DisconnectedSince >= rule.Persistence)
            {
                _book.Set(watch.Bed, AlarmCondition.SerialPortDisconnected(name), null, rule.Priority, null, now, events);
            }
        }
    }

    private void CheckAttachedSensors(DateTimeOffset now, List<AlarmEvent> events)
    {
        var rule = _rules.Technical.SensorFault;
        foreach (var (name, watch) in _faultySensors)
        {
            if (now - watch.FaultySince >= rule.Persistence)
            {
                _book.Set(watch.Bed, AlarmCondition.AttachedSensorFault(name), name, rule.Priority, null, now, events);
            }
        }
    }

    private News2Summary StepNews2(BedLocation bed, BedState state, DateTimeOffset now, List<AlarmEvent> events)
    {
        var fresh = state.News2.Step(now, _rules.News2);
        var score = fresh.FreshParameters > 0 ? fresh.AggregateScore : (int?)null;
        _book.Set(bed, AlarmCondition.News2Score, null, state.News2.Applied, score, now, events);
        return fresh;
    }

    private BedState Bed(BedLocation bed)
    {
        if (!_beds.TryGetValue(bed, out var state))
        {
            state = new BedState();
            _beds.Add(bed, state);
        }

        return state;
    }

    private DateTimeOffset Advance(DateTimeOffset now)
    {
        if (now > _latest)
        {
            _latest = now;
        }

        return _latest;
    }

    private static DateTimeOffset Earlier(DateTimeOffset first, DateTimeOffset second) => first <= second ? first : second;

    // Called for every reading: a span search, not LINQ (no enumerator or delegate per call). char.IsControl is exactly
    // U+0000..U+001F and U+007F..U+009F (Unicode category Cc).
    private static bool IsName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64
        && name.AsSpan().IndexOfAnyInRange('\u0000', '\u001F') < 0 && name.AsSpan().IndexOfAnyInRange('\u007F', '\u009F') < 0;

    private sealed class BedState
    {
        public BedNews2 News2 { get; } = new();

        /// <summary>Limit and rate-of-change trackers per device and MDC code.</summary>
        public Dictionary<(string DeviceId, int MdcCode), VitalTracker> Vitals { get; } = [];
    }
}
