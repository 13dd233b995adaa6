using System.Diagnostics.CodeAnalysis;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Jws;

/// <summary>
/// A device-frame JWS that <see cref="JwsFrameDecoder"/> has split and checked for shape, but whose signature is not
/// yet verified and whose payload is not yet parsed. The gateway looks up the key for <see cref="KeyId"/>, calls
/// <see cref="VerifySignature"/>, and only then <see cref="TryReadFrame"/>.
/// </summary>
public sealed class JwsFrame
{
    internal JwsFrame(string keyId, byte[] payload, byte[] signature, byte[] signingInput)
    {
        KeyId = keyId;
        Payload = payload;
        Signature = signature;
        SigningInput = signingInput;
    }

    /// <summary>The header's "kid": a syntactically valid device id, not yet authenticated.</summary>
    public string KeyId { get; }

    /// <summary>The decoded payload bytes (unverified until <see cref="VerifySignature"/> returns true).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The decoded 64-byte Ed25519 signature.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The JWS signing input (RFC 7515 §5.1): the ASCII of BASE64URL(header) "." BASE64URL(payload).</summary>
    public ReadOnlyMemory<byte> SigningInput { get; }

    /// <summary>Verifies the pure Ed25519 signature over <see cref="SigningInput"/> (RFC 8037 §3.1).</summary>
    public bool VerifySignature(Ed25519PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Verify(SigningInput.Span, Signature.Span);
    }

    /// <summary>
    /// Parses the payload (<see cref="DeviceFrameJson.TryParse"/>) and requires its "device" to equal <see cref="KeyId"/>,
    /// else <see cref="FrameRejectionReason.KeyIdMismatch"/>. Never throws. Call it after <see cref="VerifySignature"/>:
    /// the content of an unverified payload means nothing.
    /// </summary>
    public bool TryReadFrame([NotNullWhen(true)] out DeviceFrame? frame, out FrameRejectionReason reason, out string? detail)
    {
        if (!DeviceFrameJson.TryParse(Payload.Span, out var parsed, out reason, out detail))
        {
            frame = null;
            return false;
        }

        if (!string.Equals(parsed.DeviceId, KeyId, StringComparison.Ordinal))
        {
            frame = null;
            reason = FrameRejectionReason.KeyIdMismatch;
            detail = "header 'kid' differs from payload 'device'";
            return false;
        }

        frame = parsed;
        return true;
    }
}
