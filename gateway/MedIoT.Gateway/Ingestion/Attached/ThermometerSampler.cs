using MedIoT.Protocol.Frames;
using MedIoT.Sensors;
using MedIoT.Sensors.Thermometers;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// An infrared thermometer's object temperature, to 0.01 °C (the MLX90614's resolution is 0.02 °C), stored as
/// MDC_TEMP_BODY. Error-flagged, failed-PEC and implausible reads are faults, never readings.
/// </summary>
internal sealed class ThermometerSampler(InfraredThermometer thermometer) : ISampledSensor
{
    public int MdcCode => MdcCodes.BodyTemperature;

    public SensorFault TryRead(out double value)
    {
        var fault = thermometer.TryReadObjectCelsius(out var celsius);
        value = fault == SensorFault.None ? Math.Round(celsius, 2, MidpointRounding.AwayFromZero) : double.NaN;
        return fault;
    }

    public void Dispose() => thermometer.Dispose();
}
