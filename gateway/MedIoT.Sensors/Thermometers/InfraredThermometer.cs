using System.Device.I2c;
using Iot.Device.Mlx90614;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Thermometers;

/// <summary>
/// An MLX90614 infrared thermometer read through the unchanged <see cref="Mlx90614"/> binding, with three checks the
/// binding does not make: the SMBus packet error check (<see cref="PacketErrorCheckedI2cDevice"/>), the error flag (bit 15
/// of the RAM temperature word, MLX90614 datasheet; the binding would turn a raw 0x8000 into -928.51 °C) and a
/// plausibility range. Owns the <see cref="I2cDevice"/> it is given. Not thread-safe: one sampling loop reads it.
/// </summary>
public sealed class InfraredThermometer : IDisposable
{
    private const ushort ErrorFlagBit = 0x8000;

    private readonly PacketErrorCheckedI2cDevice _device;
    private readonly Mlx90614 _binding;
    private readonly ThermometerLimits _limits;

    /// <summary>Reads the MLX90614 on <paramref name="device"/>, accepting object temperatures within <paramref name="limits"/>.</summary>
    public InfraredThermometer(I2cDevice device, ThermometerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(limits);
        if (!(limits.MinimumCelsius < limits.MaximumCelsius))
        {
            throw new ArgumentException($"The limits' minimum ({limits.MinimumCelsius} °C) must be below their maximum ({limits.MaximumCelsius} °C).", nameof(limits));
        }

        _device = new PacketErrorCheckedI2cDevice(device);
        _binding = new Mlx90614(_device);
        _limits = limits;
    }

    /// <summary>Reads the object temperature (Tobj1, RAM 0x07).</summary>
    /// <param name="celsius">The temperature in °C when the result is <see cref="SensorFault.None"/>; otherwise NaN.</param>
    /// <returns><see cref="SensorFault.None"/>, or why there is no reading; never throws for trouble on the bus.</returns>
    public SensorFault TryReadObjectCelsius(out double celsius)
    {
        celsius = double.NaN;
        double value;
        try
        {
            value = _binding.ReadObjectTemperature().DegreesCelsius;
        }
        catch (PacketErrorCheckFailedException)
        {
            return SensorFault.PacketErrorCheck;
        }
        catch (IOException e)
        {
            return I2cFailure.Classify(e);
        }
        catch (TimeoutException)
        {
            return SensorFault.BusError;
        }

        if ((_device.LastWord & ErrorFlagBit) != 0)
        {
            return SensorFault.ErrorFlag;
        }

        if (!_limits.Contains(value))
        {
            return SensorFault.Implausible;
        }

        celsius = value;
        return SensorFault.None;
    }

    /// <inheritdoc />
    public void Dispose() => _binding.Dispose();
}
