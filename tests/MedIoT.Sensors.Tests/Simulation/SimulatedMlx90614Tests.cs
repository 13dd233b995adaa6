using Iot.Device.Mlx90614;
using MedIoT.Sensors.Internal;
using MedIoT.Sensors.Simulation;

namespace MedIoT.Sensors.Tests.Simulation;

public sealed class SimulatedMlx90614Tests
{
    private readonly SimulatedMlx90614 _chip = new();

    [Fact]
    public void The_unchanged_binding_reads_object_and_ambient_temperatures()
    {
        _chip.ObjectCelsius = 38.3;
        _chip.AmbientCelsius = 23.5;
        using var binding = new Mlx90614(new SimulatedI2cHandle(_chip));

        Assert.Equal(38.3, binding.ReadObjectTemperature().DegreesCelsius, 0.02);
        Assert.Equal(23.5, binding.ReadAmbientTemperature().DegreesCelsius, 0.02);
    }

    [Fact]
    public void The_bindings_own_reading_of_raw_0x8000_is_minus_928_51_degrees()
    {
        // Why InfraredThermometer checks the error flag: the binding alone turns it into a number.
        _chip.RawObjectOverride = 0x8000;
        using var binding = new Mlx90614(new SimulatedI2cHandle(_chip));

        Assert.Equal(-928.51, binding.ReadObjectTemperature().DegreesCelsius, 0.001);
    }

    [Fact]
    public void Read_word_answers_little_endian_data_then_a_correct_pec()
    {
        _chip.ObjectCelsius = 36.9;
        var answer = new byte[3];
        _chip.WriteRead([0x07], answer);

        var word = (ushort)(answer[0] | (answer[1] << 8));
        Assert.Equal(Math.Round((36.9 + 273.15) * 50), word);
        Assert.Equal(SmbusPacketErrorCheck.OfReadWord(0x5A, 0x07, answer[0], answer[1]), answer[2]);
    }

    [Fact]
    public void Eeprom_reads_give_emissivity_one_and_the_smbus_address()
    {
        Assert.Equal(0xFFFF, _chip.WordAt(0x24));
        Assert.Equal(0x5A, _chip.WordAt(0x2E) & 0x7F);
        Assert.Equal(39315, _chip.WordAt(0x20)); // To_max 120 °C as 100 × K
    }

    [Fact]
    public void Eeprom_write_is_kept_only_with_a_correct_pec()
    {
        var pec = SmbusPacketErrorCheck.OfWriteWord(0x5A, 0x24, 0x33, 0xF3);
        _chip.Write([0x24, 0x33, 0xF3, (byte)(pec ^ 0xFF)]);
        Assert.Equal(0xFFFF, _chip.WordAt(0x24));

        _chip.Write([0x24, 0x33, 0xF3, pec]);
        Assert.Equal(0xF333, _chip.WordAt(0x24));
    }

    [Fact]
    public void Not_answering_throws_the_io_exception_linux_gives_for_a_missing_acknowledge()
    {
        _chip.Answering = false;
        var e = Assert.Throws<IOException>(() => _chip.WriteRead([0x07], new byte[3]));
        Assert.Equal(SimulatedMlx90614.NotAcknowledgedMessage, e.Message);
    }

    [Fact]
    public void Error_flag_sets_bit_15_of_the_object_words_only()
    {
        _chip.ErrorFlag = true;
        Assert.NotEqual(0, _chip.WordAt(0x07) & 0x8000);
        Assert.NotEqual(0, _chip.WordAt(0x08) & 0x8000);
        Assert.Equal(0, _chip.WordAt(0x06) & 0x8000);
    }
}
