using MedIoT.Protocol.Frames;
using MedIoT.Sensors;
using MedIoT.Sensors.LoadCells;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>A bed scale's weight in kilograms, to 0.1 kg, stored as MDC_MASS_BODY_ACTUAL (docs/attached-sensors.md §4).</summary>
internal sealed class ScaleSampler(BedScale scale) : ISampledSensor
{
    public int MdcCode => MdcCodes.BodyWeight;

    public SensorFault TryRead(out double value)
    {
        var fault = scale.TryReadKilograms(out var kilograms);
        value = fault == SensorFault.None ? Math.Round(kilograms, 1, MidpointRounding.AwayFromZero) : double.NaN;
        return fault;
    }

    public void Dispose() => scale.Dispose();
}
