namespace MedIoT.Gateway.Devices;

/// <summary>How the gateway knows a device's readings are genuine (registry field <c>"trust"</c>).</summary>
public enum DeviceTrust
{
    /// <summary>
    /// The device signs its own frames with its Ed25519 key (registry value <c>"device-signed"</c>, the default);
    /// the registry holds its public key.
    /// </summary>
    DeviceSigned = 0,

    /// <summary>
    /// A device that cannot sign (a Masimo or Nonin oximeter on a serial port; registry value
    /// <c>"gateway-attested"</c>, no public key): the gateway vouches for its readings with the gateway's own key,
    /// and accepts them only from the serial port the device is configured on (docs/serial.md, "Attestation").
    /// </summary>
    GatewayAttested,
}
