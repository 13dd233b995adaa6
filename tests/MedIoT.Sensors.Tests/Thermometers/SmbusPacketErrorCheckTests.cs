using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Tests.Thermometers;

public sealed class SmbusPacketErrorCheckTests
{
    [Fact]
    public void Crc8_of_the_catalogue_check_string_is_0xF4()
    {
        // CRC-8/SMBUS (poly 0x07, init 0, no reflection, no final xor): the check value over ASCII "123456789" is 0xF4.
        Assert.Equal(0xF4, SmbusPacketErrorCheck.Compute("123456789"u8));
    }

    [Fact]
    public void Read_word_example_of_the_MLX90614_datasheet_has_pec_0x30()
    {
        // Datasheet example: SA 0x5A, command 0x07 (Tobj1), data 0x3AD2 sent low byte first, PEC 0x30,
        // over 0xB4 0x07 0xB5 0xD2 0x3A.
        Assert.Equal(0x30, SmbusPacketErrorCheck.OfReadWord(0x5A, 0x07, 0xD2, 0x3A));
    }

    [Fact]
    public void Pec_covers_the_address_so_another_address_gives_another_code() =>
        Assert.NotEqual(SmbusPacketErrorCheck.OfReadWord(0x5A, 0x07, 0xD2, 0x3A), SmbusPacketErrorCheck.OfReadWord(0x5B, 0x07, 0xD2, 0x3A));
}
