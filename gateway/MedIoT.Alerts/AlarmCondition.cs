using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts;

/// <summary>
/// What an alarm is about, without any patient value: a kind plus the vital's MDC code, the device, the port
/// or the reported status it concerns. At most one alarm is active per bed (or gateway) and condition.
/// </summary>
public readonly record struct AlarmCondition
{
    private AlarmCondition(AlarmConditionKind kind, int mdcCode, string? subject, DeviceStatus status, FrameRejectionReason securityReason = FrameRejectionReason.None)
    {
        Kind = kind;
        MdcCode = mdcCode;
        Subject = subject;
        Status = status;
        SecurityReason = securityReason;
    }

    /// <summary>The kind of condition.</summary>
    public AlarmConditionKind Kind { get; }

    /// <summary>The vital's IEEE 11073 code for vital conditions; 0 otherwise.</summary>
    public int MdcCode { get; }

    /// <summary>The device id (device and security conditions), serial port name or attached sensor name; null otherwise.</summary>
    public string? Subject { get; }

    /// <summary>The one reported status flag for <see cref="AlarmConditionKind.DeviceStatus"/>; None otherwise.</summary>
    public DeviceStatus Status { get; }

    /// <summary>The verification failure for <see cref="AlarmConditionKind.SecurityEvent"/>; None otherwise.</summary>
    public FrameRejectionReason SecurityReason { get; }

    /// <summary>The category the kind belongs to.</summary>
    public AlarmCategory Category => Kind switch
    {
        < AlarmConditionKind.DeviceSilent => AlarmCategory.Physiological,
        < AlarmConditionKind.SecurityEvent => AlarmCategory.Technical,
        _ => AlarmCategory.Security,
    };

    /// <summary>
    /// A stable key, for topics and URLs, e.g. <c>vital-below/150456</c>, <c>news2</c>,
    /// <c>device-status/SensorOff/ward7a-bed01-spo2</c>, <c>bed-exit</c>, <c>patient-call</c>,
    /// <c>sensor-fault/ward7a-bed01-scale</c>, <c>security/BadSignature/dev-9</c>.
    /// </summary>
    public string Key => Kind switch
    {
        AlarmConditionKind.VitalBelowLimit => "vital-below/" + Code,
        AlarmConditionKind.VitalAboveLimit => "vital-above/" + Code,
        AlarmConditionKind.VitalFalling => "vital-falling/" + Code,
        AlarmConditionKind.VitalRising => "vital-rising/" + Code,
        AlarmConditionKind.News2 => "news2",
        AlarmConditionKind.BedExit => "bed-exit",
        AlarmConditionKind.PatientCall => "patient-call",
        AlarmConditionKind.DeviceSilent => "device-silent/" + Subject,
        AlarmConditionKind.DeviceStatus => $"device-status/{Status}/{Subject}",
        AlarmConditionKind.SerialPortDisconnected => "serial-port-disconnected/" + Subject,
        AlarmConditionKind.GatewayBacklog => "gateway-backlog",
        AlarmConditionKind.AttachedSensorFault => "sensor-fault/" + Subject,
        _ => $"security/{SecurityReason}/{Subject}",
    };

    /// <summary>
    /// Whether an acknowledgement ends the condition itself: a patient call is answered by whoever acknowledges it (at the
    /// station or through the API), so the alarm resolves then (docs/alerts.md §1).
    /// </summary>
    public bool EndsWhenAcknowledged => Kind == AlarmConditionKind.PatientCall;

    private string Code => MdcCode.ToString(CultureInfo.InvariantCulture);

    /// <summary>A vital below one of its lower limits.</summary>
    public static AlarmCondition VitalBelow(int mdcCode) => new(AlarmConditionKind.VitalBelowLimit, mdcCode, null, DeviceStatus.None);

    /// <summary>A vital above one of its upper limits.</summary>
    public static AlarmCondition VitalAbove(int mdcCode) => new(AlarmConditionKind.VitalAboveLimit, mdcCode, null, DeviceStatus.None);

    /// <summary>A vital falling fast.</summary>
    public static AlarmCondition VitalFalling(int mdcCode) => new(AlarmConditionKind.VitalFalling, mdcCode, null, DeviceStatus.None);

    /// <summary>A vital rising fast.</summary>
    public static AlarmCondition VitalRising(int mdcCode) => new(AlarmConditionKind.VitalRising, mdcCode, null, DeviceStatus.None);

    /// <summary>The bed's NEWS2.</summary>
    public static AlarmCondition News2Score { get; } = new(AlarmConditionKind.News2, 0, null, DeviceStatus.None);

    /// <summary>The patient left a bed whose bed-exit monitoring is armed.</summary>
    public static AlarmCondition BedExit { get; } = new(AlarmConditionKind.BedExit, 0, null, DeviceStatus.None);

    /// <summary>The patient pressed the call button.</summary>
    public static AlarmCondition PatientCall { get; } = new(AlarmConditionKind.PatientCall, 0, null, DeviceStatus.None);

    /// <summary>A sensor wired to the gateway that does not work (not answering, bus error, implausible values).</summary>
    public static AlarmCondition AttachedSensorFault(string sensorName) => new(AlarmConditionKind.AttachedSensorFault, 0, sensorName, DeviceStatus.None);

    /// <summary>A device gone silent.</summary>
    public static AlarmCondition DeviceSilent(string deviceId) => new(AlarmConditionKind.DeviceSilent, 0, deviceId, DeviceStatus.None);

    /// <summary>A device reporting one status flag.</summary>
    public static AlarmCondition DeviceReports(string deviceId, DeviceStatus flag) => new(AlarmConditionKind.DeviceStatus, 0, deviceId, flag);

    /// <summary>A serial port disconnected.</summary>
    public static AlarmCondition SerialPortDisconnected(string portName) => new(AlarmConditionKind.SerialPortDisconnected, 0, portName, DeviceStatus.None);

    /// <summary>The gateway's backlog filling up.</summary>
    public static AlarmCondition GatewayBacklog { get; } = new(AlarmConditionKind.GatewayBacklog, 0, null, DeviceStatus.None);

    /// <summary>A security event: <paramref name="reason"/> for frames claiming to come from <paramref name="deviceId"/>.</summary>
    public static AlarmCondition Security(FrameRejectionReason reason, string deviceId) =>
        new(AlarmConditionKind.SecurityEvent, 0, deviceId, DeviceStatus.None, reason);

    /// <summary>
    /// The condition whose <see cref="Key"/> is <paramref name="key"/> (read back from the journal); false for text that is
    /// no key: an unknown kind, a code that is not a positive whole number, a status that is not one <see cref="DeviceStatus"/>
    /// flag, a reason that is not a security reason, or an empty subject.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? key, out AlarmCondition condition)
    {
        condition = default;
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (key is "news2" or "gateway-backlog" or "bed-exit" or "patient-call")
        {
            condition = key switch
            {
                "news2" => News2Score,
                "gateway-backlog" => GatewayBacklog,
                "bed-exit" => BedExit,
                _ => PatientCall,
            };
            return true;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            return false;
        }

        var rest = key[(slash + 1)..];
        switch (key[..slash])
        {
            case "vital-below" or "vital-above" or "vital-falling" or "vital-rising":
                if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code <= 0)
                {
                    return false;
                }

                condition = key[..slash] switch
                {
                    "vital-below" => VitalBelow(code),
                    "vital-above" => VitalAbove(code),
                    "vital-falling" => VitalFalling(code),
                    _ => VitalRising(code),
                };
                return true;
            case "device-silent":
                condition = DeviceSilent(rest);
                return true;
            case "serial-port-disconnected":
                condition = SerialPortDisconnected(rest);
                return true;
            case "sensor-fault":
                condition = AttachedSensorFault(rest);
                return true;
            case "device-status":
                var statusEnd = rest.IndexOf('/', StringComparison.Ordinal);
                if (statusEnd <= 0 || statusEnd == rest.Length - 1 || !TryParseName<DeviceStatus>(rest[..statusEnd], out var flag)
                    || flag == DeviceStatus.None || !BitOperations.IsPow2((uint)flag))
                {
                    return false;
                }

                condition = DeviceReports(rest[(statusEnd + 1)..], flag);
                return true;
            case "security":
                var reasonEnd = rest.IndexOf('/', StringComparison.Ordinal);
                if (reasonEnd <= 0 || reasonEnd == rest.Length - 1 || !TryParseName<FrameRejectionReason>(rest[..reasonEnd], out var reason)
                    || !MedIoT.Alerts.Security.SecurityEvent.IsSecurityReason(reason))
                {
                    return false;
                }

                condition = Security(reason, rest[(reasonEnd + 1)..]);
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Key;

    // Only a defined member's exact name: Enum.TryParse also takes numbers and comma lists, which no key holds.
    private static bool TryParseName<T>(string name, out T value)
        where T : struct, Enum
    {
        value = default;
        return !string.IsNullOrEmpty(name) && char.IsAsciiLetter(name[0]) && !name.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse(name, ignoreCase: false, out value) && Enum.IsDefined(value);
    }
}
