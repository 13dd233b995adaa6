namespace MedIoT.Ledger.Entries;

/// <summary>How the gateway established that a frame came from its device (byte 1 of the entry). Values are stable.</summary>
public enum EntryAttestation : byte
{
    /// <summary>The frame bytes are the device's JWS (RFC 7515 compact, EdDSA) and its signature verified.</summary>
    DeviceSigned = 0x01,

    /// <summary>
    /// The device cannot sign (for example a serial monitor); the frame bytes are what the gateway received and the
    /// log's own checkpoint signature is the only attestation.
    /// </summary>
    GatewayAttested = 0x02,
}
