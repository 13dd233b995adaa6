using MedIoT.Alerts;
using MedIoT.Cryptography;

namespace MedIoT.Gateway.Devices;

/// <summary>One entry of the device registry: who the device is, its public key and where it is.</summary>
/// <param name="DeviceId">The device id, equal to the JWS <c>kid</c> of its frames.</param>
/// <param name="Kind">What the device is, for example <c>pulse-oximeter</c>.</param>
/// <param name="Location">The ward and bed the device serves.</param>
/// <param name="PublicKey">The device's Ed25519 public key; null exactly when <paramref name="Trust"/> is <see cref="DeviceTrust.GatewayAttested"/>.</param>
/// <param name="Revoked">A revoked device's frames are rejected as a security event.</param>
/// <param name="Trust">Whether the device signs its frames or the gateway attests its readings.</param>
public sealed record RegisteredDevice(
    string DeviceId, string Kind, BedLocation Location, Ed25519PublicKey? PublicKey, bool Revoked, DeviceTrust Trust = DeviceTrust.DeviceSigned);
