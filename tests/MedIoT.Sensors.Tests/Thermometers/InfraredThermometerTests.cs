using MedIoT.Sensors.Internal;
using MedIoT.Sensors.Simulation;
using MedIoT.Sensors.Thermometers;

namespace MedIoT.Sensors.Tests.Thermometers;

public sealed class InfraredThermometerTests
{
    private readonly SimulatedMlx90614 _chip = new();

    [Fact]
    public void Fever_curve_is_read_through_the_binding_to_the_resolution_of_the_chip()
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), ThermometerLimits.Body);
        double[] curve = [36.6, 37.2, 37.9, 38.4, 39.1, 39.6, 39.0, 38.2, 37.4, 36.9];
        foreach (var celsius in curve)
        {
            _chip.ObjectCelsius = celsius;

            Assert.Equal(SensorFault.None, thermometer.TryReadObjectCelsius(out var read));
            Assert.Equal(celsius, read, 0.02); // 0.02 K per bit (datasheet)
        }

        Assert.Equal(curve.Length, _chip.WordsRead);
    }

    [Fact]
    public void Raw_0x8000_is_an_error_flag_never_the_bindings_minus_928_degrees()
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), new ThermometerLimits(-1000, 1000));
        _chip.RawObjectOverride = 0x8000;

        Assert.Equal(SensorFault.ErrorFlag, thermometer.TryReadObjectCelsius(out var read));
        Assert.True(double.IsNaN(read));
    }

    [Fact]
    public void Error_flag_on_a_plausible_temperature_is_still_an_error_flag()
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), ThermometerLimits.Body);
        _chip.ObjectCelsius = 37.0;
        _chip.ErrorFlag = true;

        Assert.Equal(SensorFault.ErrorFlag, thermometer.TryReadObjectCelsius(out var read));
        Assert.True(double.IsNaN(read));
    }

    [Fact]
    public void Corrupted_pec_is_a_packet_error_check_fault_and_the_next_good_answer_reads()
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), ThermometerLimits.Body);
        _chip.ObjectCelsius = 38.5;
        _chip.CorruptPacketErrorCheck = true;

        Assert.Equal(SensorFault.PacketErrorCheck, thermometer.TryReadObjectCelsius(out var read));
        Assert.True(double.IsNaN(read));

        _chip.CorruptPacketErrorCheck = false;
        Assert.Equal(SensorFault.None, thermometer.TryReadObjectCelsius(out read));
        Assert.Equal(38.5, read, 0.02);
    }

    [Theory]
    [InlineData(22.0)]  // the empty bed or the room
    [InlineData(24.9)]
    [InlineData(45.2)]
    [InlineData(80.0)]  // a lamp
    public void Temperatures_outside_the_limits_are_implausible_never_a_value(double celsius)
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), ThermometerLimits.Body);
        _chip.ObjectCelsius = celsius;

        Assert.Equal(SensorFault.Implausible, thermometer.TryReadObjectCelsius(out var read));
        Assert.True(double.IsNaN(read));
    }

    [Fact]
    public void Limits_are_inclusive()
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), ThermometerLimits.Body);
        _chip.ObjectCelsius = 25.01;
        Assert.Equal(SensorFault.None, thermometer.TryReadObjectCelsius(out _));
        _chip.ObjectCelsius = 44.99;
        Assert.Equal(SensorFault.None, thermometer.TryReadObjectCelsius(out _));
    }

    [Fact]
    public void A_chip_that_does_not_acknowledge_is_not_answering_and_recovers_when_it_does()
    {
        using var thermometer = new InfraredThermometer(new SimulatedI2cHandle(_chip), ThermometerLimits.Body);
        _chip.Answering = false;

        Assert.Equal(SensorFault.NotAnswering, thermometer.TryReadObjectCelsius(out var read));
        Assert.True(double.IsNaN(read));
        Assert.Equal(SensorFault.NotAnswering, thermometer.TryReadObjectCelsius(out _));

        _chip.Answering = true;
        _chip.ObjectCelsius = 37.3;
        Assert.Equal(SensorFault.None, thermometer.TryReadObjectCelsius(out read));
        Assert.Equal(37.3, read, 0.02);
    }

    [Theory]
    [InlineData("Error 121 performing I2C data transfer.", SensorFault.NotAnswering)]
    [InlineData("Error 6 performing I2C data transfer.", SensorFault.NotAnswering)]
    [InlineData("Error 110 performing I2C data transfer.", SensorFault.BusError)]
    [InlineData("Error 5 performing I2C data transfer.", SensorFault.BusError)]
    [InlineData("Something else went wrong.", SensorFault.BusError)]
    public void Io_errors_are_told_apart_by_the_kernel_errno(string message, SensorFault expected) =>
        Assert.Equal(expected, I2cFailure.Classify(new IOException(message)));

    [Fact]
    public void Disposing_the_thermometer_disposes_the_device_it_owns()
    {
        var handle = new SimulatedI2cHandle(_chip);
        var thermometer = new InfraredThermometer(handle, ThermometerLimits.Body);
        thermometer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => handle.WriteRead([0x07], new byte[2]));
    }

    [Fact]
    public void Limits_whose_minimum_is_not_below_the_maximum_are_refused() =>
        Assert.Throws<ArgumentException>(() => new InfraredThermometer(new SimulatedI2cHandle(_chip), new ThermometerLimits(40, 30)));
}
