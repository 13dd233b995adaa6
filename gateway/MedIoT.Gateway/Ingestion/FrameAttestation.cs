namespace MedIoT.Gateway.Ingestion;

/// <summary>Who vouches for a verified frame (docs/serial.md, "Attestation").</summary>
public enum FrameAttestation
{
    /// <summary>The device signed the frame with its own key.</summary>
    DeviceSigned = 0,

    /// <summary>
    /// The device cannot sign (a serial oximeter): the gateway read it from the device's configured serial port and
    /// signed the frame with the gateway's own key. Stored with the tag <c>attested=gateway</c>.
    /// </summary>
    GatewayAttested,
}
