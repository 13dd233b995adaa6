using System.Device.I2c;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Thermometers;

/// <summary>
/// Puts the SMBus packet error check under a binding that does not know it. <c>Iot.Device.Mlx90614.Mlx90614</c> reads
/// a temperature as one <see cref="I2cDevice.WriteRead"/> of the one-byte command and a two-byte answer. This device
/// asks the bus below for three bytes in that same combined transaction (the data word and the PEC the chip sends after
/// it), checks the CRC-8 (SMBus 3.x §6.4), and hands the binding its two bytes. That is why no fork of the binding is
/// needed: it already calls a virtual method of a public abstract type we can implement, and the PEC byte is simply one
/// more byte of the same read.
/// </summary>
internal sealed class PacketErrorCheckedI2cDevice(I2cDevice inner) : I2cDevice
{
    private readonly I2cDevice _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The data word of the last Read Word whose PEC matched (low byte first on the wire).</summary>
    public ushort LastWord { get; private set; }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings => _inner.ConnectionSettings;

    /// <inheritdoc />
    /// <exception cref="PacketErrorCheckFailedException">The PEC byte did not match the transaction.</exception>
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != 1 || readBuffer.Length != 2)
        {
            _inner.WriteRead(writeBuffer, readBuffer);
            return;
        }

        Span<byte> withPec = stackalloc byte[3];
        _inner.WriteRead(writeBuffer, withPec);
        var expected = SmbusPacketErrorCheck.OfReadWord(_inner.ConnectionSettings.DeviceAddress, writeBuffer[0], withPec[0], withPec[1]);
        if (withPec[2] != expected)
        {
            throw new PacketErrorCheckFailedException();
        }

        LastWord = (ushort)(withPec[0] | (withPec[1] << 8));
        withPec[..2].CopyTo(readBuffer);
    }

    /// <inheritdoc />
    public override byte ReadByte() => _inner.ReadByte();

    /// <inheritdoc />
    public override void Read(Span<byte> buffer) => _inner.Read(buffer);

    /// <inheritdoc />
    public override void WriteByte(byte value) => _inner.WriteByte(value);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
