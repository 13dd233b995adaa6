namespace MedIoT.Sensors.Thermometers;

/// <summary>The PEC byte of an SMBus answer did not match (SMBus 3.x §6.4); caught inside <see cref="InfraredThermometer"/>
/// and turned into <see cref="SensorFault.PacketErrorCheck"/>.</summary>
internal sealed class PacketErrorCheckFailedException : Exception
{
    public PacketErrorCheckFailedException()
        : base("The SMBus packet error check of the answer did not match.")
    {
    }

    public PacketErrorCheckFailedException(string message)
        : base(message)
    {
    }

    public PacketErrorCheckFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
