namespace MedIoT.FirmwareSim.Serial;

/// <summary>What a simulated serial device writes (docs/serial.md, "Protocols").</summary>
public enum SerialOutputProtocol
{
    /// <summary>MedIoT signed frames, one JWS per line, CR LF.</summary>
    Signed,

    /// <summary>Masimo Radical-7 / Rad-8 style ASCII lines, CR LF, one per reading.</summary>
    Masimo,

    /// <summary>Nonin data format 2 packets (25 five-byte frames), one per reading.</summary>
    Nonin,
}
