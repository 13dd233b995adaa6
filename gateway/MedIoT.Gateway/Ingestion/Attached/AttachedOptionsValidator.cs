using MedIoT.Alerts;
using MedIoT.Hosting;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Checks <c>Gateway:Attached</c> at start, beyond its annotations: each entry of <c>Gateway:Attached:Sensors</c> (name,
/// kind, bus, the device or bed, the pins or address the kind needs, no pin or device used twice).
/// </summary>
internal sealed class AttachedOptionsValidator() : SettingsValidator<AttachedOptions>(AttachedOptions.SectionName)
{
    private const int MaxGpioLine = 63;

    protected override void Check(AttachedOptions options, SettingProblems problems)
    {
        void Problem(int index, string setting, object? value, string problem) => problems.Add($"Sensors:{index}:{setting}", value, problem);

        if (options.ReopenMaximumDelayMilliseconds < options.ReopenInitialDelayMilliseconds)
        {
            problems.Add(nameof(AttachedOptions.ReopenMaximumDelayMilliseconds), options.ReopenMaximumDelayMilliseconds,
                "must not be less than ReopenInitialDelayMilliseconds.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var devices = new HashSet<string>(StringComparer.Ordinal);
        // A line is used once per GPIO chip (or simulated bedside); an I2C address once per bus.
        var lines = new HashSet<(string Bus, int Line)>();
        var addresses = new HashSet<(string Bus, int Address)>();
        for (var index = 0; index < options.Sensors.Count; index++)
        {
            var sensor = options.Sensors[index];
            if (!DeviceFrame.IsValidDeviceId(sensor.Name))
            {
                Problem(index, nameof(sensor.Name), sensor.Name, $"must be 1–{DeviceFrame.MaxDeviceIdLength} of A–Z a–z 0–9 . _ -.");
            }
            else if (!names.Add(sensor.Name))
            {
                Problem(index, nameof(sensor.Name), sensor.Name, "is used by two sensors; each sensor needs its own name.");
            }

            if (!Enum.IsDefined(sensor.Kind))
            {
                Problem(index, nameof(sensor.Kind), sensor.Kind, "must be BedScale, Thermometer or CallButton.");
                continue;
            }

            string bus;
            if (sensor.Bus == AttachedBus.Simulated)
            {
                if (string.IsNullOrWhiteSpace(sensor.SimulationStatePath))
                {
                    Problem(index, nameof(sensor.SimulationStatePath), sensor.SimulationStatePath, "is required on the simulated bus: the bedside state file mediot-sim bedside writes.");
                }

                bus = "simulated:" + sensor.SimulationStatePath;
            }
            else if (sensor.Bus == AttachedBus.Hardware)
            {
                if (sensor.GpioChip is < 0 or > 15)
                {
                    Problem(index, nameof(sensor.GpioChip), sensor.GpioChip, "must be between 0 and 15.");
                }

                bus = "gpiochip" + sensor.GpioChip;
            }
            else
            {
                Problem(index, nameof(sensor.Bus), sensor.Bus, "must be Hardware or Simulated.");
                continue;
            }

            if (sensor.SampleIntervalMilliseconds != 0 && sensor.SampleIntervalMilliseconds is < 100 or > 600_000)
            {
                Problem(index, nameof(sensor.SampleIntervalMilliseconds), sensor.SampleIntervalMilliseconds, "must be 0 (the kind's default) or between 100 and 600000.");
            }

            if (sensor.Kind == AttachedSensorKind.CallButton)
            {
                if (!BedLocation.TryCreate(sensor.Ward, sensor.Bed, out _))
                {
                    Problem(index, "Ward and Bed", $"{sensor.Ward}/{sensor.Bed}", "are required for a call button: 1–32 of A–Z a–z 0–9 . _ - each.");
                }

                Line(index, nameof(sensor.Pin), sensor.Pin, bus, required: true);
                Line(index, nameof(sensor.AnswerPin), sensor.AnswerPin, bus, required: false);
                if (sensor.DebounceMilliseconds is < 5 or > 1000)
                {
                    Problem(index, nameof(sensor.DebounceMilliseconds), sensor.DebounceMilliseconds, "must be between 5 and 1000.");
                }

                continue;
            }

            if (!DeviceFrame.IsValidDeviceId(sensor.DeviceId))
            {
                Problem(index, nameof(sensor.DeviceId), sensor.DeviceId, $"must be a registered, gateway-attested device id (1–{DeviceFrame.MaxDeviceIdLength} of A–Z a–z 0–9 . _ -).");
            }
            else if (!devices.Add(sensor.DeviceId))
            {
                Problem(index, nameof(sensor.DeviceId), sensor.DeviceId, "is given to two sensors; each sensor reports as its own device.");
            }

            if (sensor.Kind == AttachedSensorKind.BedScale)
            {
                Line(index, nameof(sensor.DataPin), sensor.DataPin, bus, required: true);
                Line(index, nameof(sensor.ClockPin), sensor.ClockPin, bus, required: true);
                if (string.IsNullOrWhiteSpace(sensor.CalibrationPath))
                {
                    Problem(index, nameof(sensor.CalibrationPath), sensor.CalibrationPath, "is required for a bed scale: the file mediot-gateway calibrate-scale writes.");
                }
            }
            else
            {
                if (sensor.I2cBus is < 0 or > 15)
                {
                    Problem(index, nameof(sensor.I2cBus), sensor.I2cBus, "must be between 0 and 15.");
                }

                if (sensor.Address is < 0x08 or > 0x77)
                {
                    Problem(index, nameof(sensor.Address), sensor.Address, "must be a 7-bit I2C address between 8 (0x08) and 119 (0x77); the MLX90614's factory address is 90 (0x5A).");
                }
                else if (!addresses.Add((sensor.Bus == AttachedBus.Simulated ? bus : "i2c-" + sensor.I2cBus, sensor.Address)))
                {
                    Problem(index, nameof(sensor.Address), sensor.Address, "is used by two thermometers on the same bus.");
                }
            }
        }

        void Line(int index, string setting, int line, string bus, bool required)
        {
            if (line < 0 && !required)
            {
                return;
            }

            if (line is < 0 or > MaxGpioLine)
            {
                Problem(index, setting, line, $"must be a GPIO line between 0 and {MaxGpioLine} (the BCM number on a Raspberry Pi).");
            }
            else if (!lines.Add((bus, line)))
            {
                Problem(index, setting, line, "is used twice on the same GPIO chip; each pin serves one sensor.");
            }
        }
    }
}
