namespace MedIoT.Sensors.Internal;

/// <summary>
/// The SMBus packet error code: CRC-8 with polynomial x^8 + x^2 + x + 1 (0x07), initial value 0, no reflection, over every
/// byte of the transaction including the address bytes (SMBus 3.x §6.4 "Packet Error Checking"). For a Read Word that is
/// the write address, the command, the repeated-start read address and the two data bytes.
/// </summary>
internal static class SmbusPacketErrorCheck
{
    private const byte Polynomial = 0x07;

    /// <summary>The PEC of one SMBus Read Word from the 7-bit <paramref name="address"/>.</summary>
    public static byte OfReadWord(int address, byte command, byte low, byte high)
    {
        ReadOnlySpan<byte> message = [WriteAddress(address), command, ReadAddress(address), low, high];
        return Compute(message);
    }

    /// <summary>The PEC of one SMBus Write Word to the 7-bit <paramref name="address"/>.</summary>
    public static byte OfWriteWord(int address, byte command, byte low, byte high)
    {
        ReadOnlySpan<byte> message = [WriteAddress(address), command, low, high];
        return Compute(message);
    }

    /// <summary>CRC-8 (0x07) of <paramref name="bytes"/>, bit by bit, most significant bit first.</summary>
    public static byte Compute(ReadOnlySpan<byte> bytes)
    {
        var crc = 0;
        foreach (var value in bytes)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ Polynomial) & 0xFF : (crc << 1) & 0xFF;
            }
        }

        return (byte)crc;
    }

    // The address byte on the wire is the 7-bit address shifted left with R/W̄ in bit 0 (SMBus 3.x §6.5).
    private static byte WriteAddress(int address) => (byte)(address << 1);

    private static byte ReadAddress(int address) => (byte)((address << 1) | 1);
}
