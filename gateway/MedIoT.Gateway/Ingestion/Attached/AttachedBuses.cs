using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using MedIoT.Sensors.Simulation;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// Opens the buses the attached sensors are on: one GPIO controller per chip (libgpiod), an I2C device per thermometer,
/// or for <see cref="AttachedBus.Simulated"/> sensors one <see cref="SimulatedBedside"/> per state file, shared by the
/// sensors that name it. Owns and disposes all of them. Thread-safe.
/// </summary>
internal sealed class AttachedBuses : IDisposable
{
    /// <summary>The simulated bedside's pins where no sensor of it says otherwise (a Raspberry Pi's free BCM lines).</summary>
    private static readonly SimulatedBedsidePins s_defaultPins = new(ScaleDataPin: 5, ScaleClockPin: 6, CallButtonPin: 17, AnswerButtonPin: 27);

    private readonly IReadOnlyList<AttachedSensorOptions> _sensors;
    private readonly Func<string, string> _resolve;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, GpioController> _chips = [];
    private readonly Dictionary<string, SimulatedBedsideHost> _bedsides = new(StringComparer.Ordinal);

    /// <param name="sensors">Every configured sensor (a simulated bedside's pins come from all sensors naming its file).</param>
    /// <param name="resolve">Resolves a configured path against the settings file's folder.</param>
    /// <param name="timeProvider">The clock of the simulated chips and their state file's polling.</param>
    /// <param name="logger">Where a simulated bedside's unreadable state file is logged.</param>
    public AttachedBuses(IReadOnlyList<AttachedSensorOptions> sensors, Func<string, string> resolve, TimeProvider timeProvider, ILogger logger)
    {
        _sensors = sensors;
        _resolve = resolve;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The GPIO controller <paramref name="sensor"/>'s pins are on.</summary>
    /// <exception cref="Exception">The chip cannot be opened (no libgpiod, no such chip, no permission): the caller retries.</exception>
    public GpioController Gpio(AttachedSensorOptions sensor)
    {
        lock (_lock)
        {
            if (sensor.Bus == AttachedBus.Simulated)
            {
                return Bedside(sensor).Gpio;
            }

            if (!_chips.TryGetValue(sensor.GpioChip, out var controller))
            {
#pragma warning disable CA2000 // The controller owns its driver and disposes it.
                controller = new GpioController(new LibGpiodDriver(sensor.GpioChip));
#pragma warning restore CA2000
                _chips.Add(sensor.GpioChip, controller);
            }

            return controller;
        }
    }

    /// <summary>A new handle on <paramref name="sensor"/>'s I2C device; the caller owns it.</summary>
    /// <exception cref="Exception">The bus cannot be opened (no such bus, no permission): the caller retries.</exception>
    public I2cDevice I2c(AttachedSensorOptions sensor)
    {
        if (sensor.Bus == AttachedBus.Simulated)
        {
            lock (_lock)
            {
                return Bedside(sensor).OpenThermometer();
            }
        }

        return I2cDevice.Create(new I2cConnectionSettings(sensor.I2cBus, sensor.Address));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var controller in _chips.Values)
            {
                controller.Dispose();
            }

            foreach (var host in _bedsides.Values)
            {
                host.Dispose();
            }

            _chips.Clear();
            _bedsides.Clear();
        }
    }

    /// <summary>The simulated bedside <paramref name="sensor"/> is on, made on first use (tests reach its chips).</summary>
    internal SimulatedBedside Bedside(AttachedSensorOptions sensor)
    {
        var path = _resolve(sensor.SimulationStatePath);
        if (!_bedsides.TryGetValue(path, out var host))
        {
            host = new SimulatedBedsideHost(path, PinsOf(path), _timeProvider, _logger);
            _bedsides.Add(path, host);
        }

        return host.Bedside;
    }

    private SimulatedBedsidePins PinsOf(string statePath)
    {
        var pins = s_defaultPins;
        foreach (var sensor in _sensors.Where(sensor => sensor.Bus == AttachedBus.Simulated && _resolve(sensor.SimulationStatePath) == statePath))
        {
            pins = sensor.Kind switch
            {
                AttachedSensorKind.BedScale => pins with { ScaleDataPin = sensor.DataPin, ScaleClockPin = sensor.ClockPin },
                AttachedSensorKind.CallButton when sensor.AnswerPin >= 0 => pins with { CallButtonPin = sensor.Pin, AnswerButtonPin = sensor.AnswerPin },
                AttachedSensorKind.CallButton => pins with { CallButtonPin = sensor.Pin },
                _ => pins,
            };
        }

        return pins;
    }
}
