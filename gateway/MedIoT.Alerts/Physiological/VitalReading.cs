namespace MedIoT.Alerts.Physiological;

/// <summary>
/// One verified reading. <see cref="ToString"/> leaves the value out (patient data is never logged).
/// </summary>
/// <param name="Bed">The bed the device is registered to.</param>
/// <param name="DeviceId">The device that measured it.</param>
/// <param name="MdcCode">The vital's IEEE 11073 code.</param>
/// <param name="Value">The value in the code's UCUM unit; must be finite.</param>
/// <param name="MeasuredAt">When the device measured it (device clock).</param>
/// <param name="ReceivedAt">When the gateway received it (gateway clock); a measured time after this counts as this.</param>
public sealed record VitalReading(BedLocation Bed, string DeviceId, int MdcCode, double Value, DateTimeOffset MeasuredAt, DateTimeOffset ReceivedAt) : AlarmInput
{
    /// <summary>The measured time, but never later than the receive time (a device clock running ahead cannot make a value fresher).</summary>
    public DateTimeOffset SampleTime => MeasuredAt <= ReceivedAt ? MeasuredAt : ReceivedAt;

    /// <inheritdoc />
    public override string ToString() => $"reading of code {MdcCode} from {DeviceId} at {Bed}";
}
