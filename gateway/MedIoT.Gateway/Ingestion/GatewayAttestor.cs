using MedIoT.Gateway.Identity;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Vouches for the readings of one device that cannot sign (a legacy serial oximeter, a sensor wired to the gateway's
/// pins): builds the device's frame with the gateway's receive time and the device's next sequence number, and signs it
/// with the gateway's key (docs/serial.md, "Attestation"). Not thread-safe: one reading loop owns it.
/// </summary>
internal sealed class GatewayAttestor(string deviceId, GatewayIdentity identity, AttestationSequence sequence, TimeProvider timeProvider)
{
    /// <summary>The gateway's public key, which verifies what this signs.</summary>
    public Cryptography.Ed25519PublicKey PublicKey => identity.PublicKey;

    /// <summary>The signed JWS of <paramref name="values"/>, timed now; each code's unit is the one the protocol requires.</summary>
    public byte[] Attest(IReadOnlyList<(int Code, double Value)> values)
    {
        var now = timeProvider.GetUtcNow();
        var timeNanoseconds = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var observations = new Observation[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            MdcCodes.TryGetUnit(values[i].Code, out var unit);
            observations[i] = new Observation(values[i].Code, values[i].Value, unit!, timeNanoseconds);
        }

        return identity.SignFrame(new DeviceFrame(deviceId, sequence.Next(), observations));
    }
}
