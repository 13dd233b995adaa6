using System.Security.Claims;
using System.Text.Json;
using MedIoT.Alerts;
using MedIoT.Alerts.News2;
using MedIoT.Gateway.Access;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Alerts.Api;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Protocol.Frames;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Station;

/// <summary>
/// The station's picture of the ward (docs/station.md): one tile per registered bed with its latest vitals, NEWS2, device
/// states and active alarms, attention first; a bed's detail; the IT channel. Alarms and NEWS2 come from the alarm engine
/// in one question on its feed (what the alarm API reads too); vitals from <see cref="LatestReadings"/>. No patient name
/// exists anywhere in the gateway: a bed is its ward and bed id.
/// </summary>
internal sealed class WardView
{
    private readonly AlarmFeed _feed;
    private readonly LatestReadings _readings;
    private readonly AlertOptions _alertOptions;
    private readonly TimeProvider _alertClock;
    private readonly ILookup<BedLocation, RegisteredDevice> _devicesByBed;
    private readonly Dictionary<string, string> _portOfDevice = new(StringComparer.Ordinal);

    public WardView(
        AlarmFeed feed, DeviceRegistry registry, LatestReadings readings, IOptions<AlertOptions> alertOptions, IOptions<SerialOptions> serialOptions,
        [FromKeyedServices(AlarmClock.Key)] TimeProvider alertClock)
    {
        _feed = feed;
        _readings = readings;
        _alertOptions = alertOptions.Value;
        _alertClock = alertClock;
        Devices = [.. registry.Devices.OrderBy(device => device.DeviceId, StringComparer.Ordinal)];
        _devicesByBed = Devices.ToLookup(device => device.Location);
        Beds = [.. _devicesByBed.Select(group => group.Key).OrderBy(bed => bed.Ward.ToString(), StringComparer.Ordinal).ThenBy(bed => bed.Bed.ToString(), StringComparer.Ordinal)];
        Wards = [.. Beds.Select(bed => bed.Ward.ToString()).Distinct(StringComparer.Ordinal)];
        foreach (var port in serialOptions.Value.Ports)
        {
            _portOfDevice.TryAdd(port.DeviceId, port.DevicePath);
        }
    }

    /// <summary>Every bed a registered device is placed at, by ward then bed.</summary>
    public IReadOnlyList<BedLocation> Beds { get; }

    /// <summary>The wards of <see cref="Beds"/>.</summary>
    public IReadOnlyList<string> Wards { get; }

    /// <summary>Every registered device, by id.</summary>
    public IReadOnlyList<RegisteredDevice> Devices { get; }

    /// <summary>The serial ports read, with their device.</summary>
    public IReadOnlyDictionary<string, string> SerialPortOfDevice => _portOfDevice;

    public bool IsRegistered(BedLocation bed) => _devicesByBed.Contains(bed);

    /// <summary>Asks the engine for its active alarms and every bed's NEWS2 (nothing when the alert service is off).</summary>
    public async Task<WardState> ReadAsync(CancellationToken cancellationToken)
    {
        if (!_alertOptions.Enabled)
        {
            return new WardState(_alertClock.GetUtcNow(), [], Beds.ToDictionary(bed => bed, _ => (News2Assessment?)null));
        }

        return await _feed.AskAsync((engine, now, _) => new WardState(
            now, engine.ActiveAlarms(), Beds.ToDictionary(bed => bed, bed => engine.AssessNews2(bed, now))), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The overview: the signed-in person, then every bed's tile, attention first.</summary>
    public void WriteOverview(Utf8JsonWriter writer, WardState state, ClaimsPrincipal user, bool seesItChannel)
    {
        writer.WriteStartObject();
        WriteHeader(writer, state, user);
        writer.WriteStartArray("beds");
        foreach (var bed in Beds.OrderByDescending(bed => Attention(state, bed)))
        {
            WriteTile(writer, state, bed);
        }

        writer.WriteEndArray();
        // Care-team alarms of no bed: the gateway's backlog, a serial port of no registered bed.
        WriteAlarms(writer, "gatewayAlarms", state.Alarms.Where(alarm => alarm.Channel == AlarmChannel.CareTeam && alarm.Bed is null));
        if (seesItChannel)
        {
            WriteAlarms(writer, "securityAlarms", state.Alarms.Where(alarm => alarm.Channel == AlarmChannel.InformationTechnology));
        }

        writer.WriteEndObject();
    }

    /// <summary>One bed: its tile and its NEWS2 per parameter.</summary>
    public void WriteBed(Utf8JsonWriter writer, WardState state, BedLocation bed, ClaimsPrincipal user)
    {
        writer.WriteStartObject();
        WriteHeader(writer, state, user);
        writer.WritePropertyName("tile");
        WriteTile(writer, state, bed);
        writer.WritePropertyName("news2");
        News2Json.Write(writer, bed, state.News2.GetValueOrDefault(bed), state.At);
        writer.WriteEndObject();
    }

    /// <summary>The devices with their last frame and state, the serial ports and the IT channel's alarms.</summary>
    public void WriteDevices(Utf8JsonWriter writer, WardState state)
    {
        writer.WriteStartArray("devices");
        foreach (var device in Devices)
        {
            writer.WriteStartObject();
            writer.WriteString("deviceId", device.DeviceId);
            writer.WriteString("kind", device.Kind);
            writer.WriteString("ward", device.Location.Ward.ToString());
            writer.WriteString("bed", device.Location.Bed.ToString());
            writer.WriteString("trust", device.Trust == DeviceTrust.GatewayAttested ? "gateway-attested" : "device-signed");
            writer.WriteBoolean("revoked", device.Revoked);
            WriteTime(writer, "lastFrameAt", _readings.LastFrameOf(device.DeviceId));
            WriteStates(writer, state, device);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("serialPorts");
        foreach (var (deviceId, path) in _portOfDevice.OrderBy(pair => pair.Value, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteString("deviceId", deviceId);
            writer.WriteBoolean("connected", !state.Alarms.Any(alarm => alarm.Condition.Kind == AlarmConditionKind.SerialPortDisconnected && alarm.Condition.Subject == path));
            WriteTime(writer, "lastFrameAt", _readings.LastFrameOf(deviceId));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteAlarms(writer, "securityAlarms", state.Alarms.Where(alarm => alarm.Channel == AlarmChannel.InformationTechnology));
    }

    /// <summary>
    /// How urgently a bed wants attention: its highest active alarm priority first (IEC 60601-1-8: high, medium, low),
    /// then its NEWS2 response band, then its NEWS2 score.
    /// </summary>
    private static (int Priority, int Band, int Score) Attention(WardState state, BedLocation bed)
    {
        var priority = state.Alarms.Where(alarm => alarm.Channel == AlarmChannel.CareTeam && alarm.Bed == bed).Select(alarm => (int)alarm.Priority).DefaultIfEmpty(0).Max();
        var news2 = state.News2.GetValueOrDefault(bed);
        return (priority, news2 is null ? -1 : (int)news2.Band, news2?.AggregateScore ?? -1);
    }

    private void WriteHeader(Utf8JsonWriter writer, WardState state, ClaimsPrincipal user)
    {
        writer.WriteString("at", AlarmJson.Time(state.At));
        writer.WriteStartArray("wards");
        foreach (var ward in Wards)
        {
            writer.WriteStringValue(ward);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("user");
        writer.WriteString("name", user.Identity?.Name);
        writer.WriteStartArray("roles");
        foreach (var role in StaffRoles.All.Where(user.IsInRole))
        {
            writer.WriteStringValue(role);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("mayAct", StationRoles.MayAct(user));
        writer.WriteEndObject();
    }

    private void WriteTile(Utf8JsonWriter writer, WardState state, BedLocation bed)
    {
        writer.WriteStartObject();
        writer.WriteString("ward", bed.Ward.ToString());
        writer.WriteString("bed", bed.Bed.ToString());
        var (priority, _, _) = Attention(state, bed);
        writer.WriteString("attention", priority == 0 ? null : ((AlarmPriority)priority).ToString().ToLowerInvariant());
        writer.WriteStartArray("vitals");
        foreach (var reading in _readings.At(bed))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", reading.MdcCode);
            writer.WriteString("name", VitalNames.Of(reading.MdcCode));
            writer.WriteNumber("value", reading.Value);
            writer.WriteString("unit", reading.Unit);
            writer.WriteString("displayUnit", VitalNames.DisplayUnit(reading.Unit));
            writer.WriteString("measuredAt", AlarmJson.Time(reading.MeasuredAt));
            writer.WriteString("deviceId", reading.DeviceId);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (state.News2.GetValueOrDefault(bed) is { } news2)
        {
            writer.WriteStartObject("news2");
            writer.WriteNumber("score", news2.AggregateScore);
            writer.WriteString("band", News2Json.Camel(news2.Band.ToString()));
            writer.WriteBoolean("complete", news2.IsComplete);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("news2");
        }

        writer.WriteStartArray("devices");
        foreach (var device in _devicesByBed[bed])
        {
            writer.WriteStartObject();
            writer.WriteString("deviceId", device.DeviceId);
            writer.WriteString("kind", device.Kind);
            WriteTime(writer, "lastFrameAt", _readings.LastFrameOf(device.DeviceId));
            WriteStates(writer, state, device);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteAlarms(writer, "alarms", state.Alarms.Where(alarm => alarm.Channel == AlarmChannel.CareTeam && alarm.Bed == bed));
        writer.WriteEndObject();
    }

    /// <summary>A device's technical states from its active alarms: silent, a reported status (sensor off, low signal...), port disconnected, attached sensor fault.</summary>
    private void WriteStates(Utf8JsonWriter writer, WardState state, RegisteredDevice device)
    {
        var port = _portOfDevice.GetValueOrDefault(device.DeviceId);
        writer.WriteStartArray("states");
        foreach (var alarm in state.Alarms.Where(alarm => alarm.Channel == AlarmChannel.CareTeam && alarm.ConditionPresent))
        {
            var condition = alarm.Condition;
            var name = condition.Kind switch
            {
                AlarmConditionKind.DeviceSilent when condition.Subject == device.DeviceId => "silent",
                AlarmConditionKind.DeviceStatus when condition.Subject == device.DeviceId => StatusName(condition.Status),
                AlarmConditionKind.SerialPortDisconnected when condition.Subject == port || condition.Subject == device.DeviceId => "port-disconnected",
                AlarmConditionKind.AttachedSensorFault when condition.Subject == device.DeviceId => "sensor-fault",
                _ => null,
            };
            if (name is not null)
            {
                writer.WriteStringValue(name);
            }
        }

        writer.WriteEndArray();
    }

    private void WriteAlarms(Utf8JsonWriter writer, string name, IEnumerable<Alarm> alarms)
    {
        writer.WriteStartArray(name);
        foreach (var alarm in alarms.OrderByDescending(alarm => alarm.Priority).ThenBy(alarm => alarm.AlarmId))
        {
            AlarmJson.WriteAlarm(writer, alarm, _alertOptions);
        }

        writer.WriteEndArray();
    }

    /// <summary>A status flag as a page names it: <c>SensorOff</c> is <c>sensor-off</c>, <c>LowSignalQuality</c> is <c>low-signal-quality</c>.</summary>
    private static string StatusName(DeviceStatus status) =>
        string.Concat(status.ToString().Select((character, index) => char.IsUpper(character) && index > 0 ? "-" + char.ToLowerInvariant(character) : char.ToLowerInvariant(character).ToString()));

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } at)
        {
            writer.WriteString(name, AlarmJson.Time(at));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
