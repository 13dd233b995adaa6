using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Thermometers;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>How a bed scale or a thermometer is opened, each time its loop (re)opens it.</summary>
internal static class SampledSensors
{
    /// <summary>
    /// Opens <paramref name="sensor"/> on <paramref name="buses"/>: a scale with the calibration its file holds (a scale
    /// without a usable one cannot be opened, so it raises its technical alarm and stores nothing), a thermometer with the
    /// body's plausible range.
    /// </summary>
    /// <param name="sensor">A BedScale or Thermometer entry.</param>
    /// <param name="buses">Where its bus is opened.</param>
    /// <param name="resolve">Resolves the calibration path against the settings file's folder.</param>
    public static Func<ISampledSensor> Opener(AttachedSensorOptions sensor, AttachedBuses buses, Func<string, string> resolve) => sensor.Kind switch
    {
        AttachedSensorKind.BedScale => () =>
        {
            if (!LoadCellCalibrationFile.TryRead(resolve(sensor.CalibrationPath), out var calibration, out var problem))
            {
                throw new InvalidOperationException(
                    $"the bed scale has no usable calibration ({problem}); run mediot-gateway calibrate-scale --sensor {sensor.Name}");
            }

            return new ScaleSampler(new BedScale(buses.Gpio(sensor), sensor.DataPin, sensor.ClockPin, calibration));
        },
        _ => () => new ThermometerSampler(new InfraredThermometer(buses.I2c(sensor), ThermometerLimits.Body)),
    };
}
