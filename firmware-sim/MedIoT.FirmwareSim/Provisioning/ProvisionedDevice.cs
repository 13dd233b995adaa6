namespace MedIoT.FirmwareSim.Provisioning;

/// <summary>A simulated device as provisioned: its registry entry and where its private key lives.</summary>
/// <param name="DeviceId">The device id (JWS <c>kid</c>).</param>
/// <param name="Kind">What the device is, for example <c>pulse-oximeter</c>.</param>
/// <param name="Ward">The ward.</param>
/// <param name="Bed">The bed.</param>
/// <param name="PrivateKeyPath">The private key file (OKP JWK, owner-only).</param>
public sealed record ProvisionedDevice(string DeviceId, string Kind, string Ward, string Bed, string PrivateKeyPath);
