using System.Device.I2c;

namespace MedIoT.Sensors.Simulation;

/// <summary>One user's handle on a simulated chip that outlives it: transfers go to the chip, disposing the handle leaves
/// the chip alone (as closing /dev/i2c-1 leaves the sensor on the bus).</summary>
internal sealed class SimulatedI2cHandle(I2cDevice chip) : I2cDevice
{
    private bool _disposed;

    public override I2cConnectionSettings ConnectionSettings => chip.ConnectionSettings;

    public override byte ReadByte() => Open().ReadByte();

    public override void Read(Span<byte> buffer) => Open().Read(buffer);

    public override void WriteByte(byte value) => Open().WriteByte(value);

    public override void Write(ReadOnlySpan<byte> buffer) => Open().Write(buffer);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => Open().WriteRead(writeBuffer, readBuffer);

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    private I2cDevice Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return chip;
    }
}
