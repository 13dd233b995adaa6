namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>What a serial port's device speaks (docs/serial.md, "Protocols").</summary>
public enum SerialProtocol
{
    /// <summary>MedIoT signed frames, one JWS per line; the device is registered as device-signed.</summary>
    Signed = 0,

    /// <summary>Masimo Radical-7 / Rad-8 ASCII output; the device is registered as gateway-attested.</summary>
    Masimo,

    /// <summary>Nonin data format 2 binary frames; the device is registered as gateway-attested.</summary>
    Nonin,
}
