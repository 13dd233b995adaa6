using System.Globalization;
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

    /// <summary>The device id (device and security conditions) or serial port name; null otherwise.</summary>
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
    /// <c>device-status/SensorOff/ward7a-bed01-spo2</c>, <c>security/BadSignature/dev-9</c>.
    /// </summary>
    public string Key => Kind switch
    {
        AlarmConditionKind.VitalBelowLimit => "vital-below/" + Code,
        AlarmConditionKind.VitalAboveLimit => "vital-above/" + Code,
        AlarmConditionKind.VitalFalling => "vital-falling/" + Code,
        AlarmConditionKind.VitalRising => "vital-rising/" + Code,
        AlarmConditionKind.News2 => "news2",
        AlarmConditionKind.DeviceSilent => "device-silent/" + Subject,
        AlarmConditionKind.DeviceStatus => $"device-status/{Status}/{Subject}",
        AlarmConditionKind.SerialPortDisconnected => "serial-port-disconnected/" + Subject,
        AlarmConditionKind.GatewayBacklog => "gateway-backlog",
        _ => $"security/{SecurityReason}/{Subject}",
    };

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

    /// <inheritdoc />
    public override string ToString() => Key;
}
