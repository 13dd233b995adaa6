using System.Text;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Jws;

/// <summary>Signs device frames as JWS compact serialisations (RFC 7515 §7.1) with EdDSA/Ed25519 (RFC 8037 §3.1).</summary>
public static class JwsFrameEncoder
{
    /// <summary>
    /// Returns the ASCII bytes of <c>BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)</c>, where the
    /// header is exactly <c>{"alg":"EdDSA","kid":"&lt;device id&gt;"}</c>, the payload is
    /// <see cref="DeviceFrameJson.Serialize"/> and the signature is pure Ed25519 over the ASCII of the first two parts
    /// joined by ".". Deterministic: the same frame and key always give the same bytes.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public static byte[] Encode(DeviceFrame frame, Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(key);

        // The device id is [A-Za-z0-9._-] only, so it needs no JSON escaping.
        var header = Encoding.ASCII.GetBytes($"{{\"alg\":\"EdDSA\",\"kid\":\"{frame.DeviceId}\"}}");
        var payload = DeviceFrameJson.Serialize(frame);

        var headerLength = Base64Url.GetEncodedLength(header.Length);
        var payloadLength = Base64Url.GetEncodedLength(payload.Length);
        var signatureLength = Base64Url.GetEncodedLength(Ed25519PrivateKey.SignatureLength);
        var signingInputLength = headerLength + 1 + payloadLength;
        var token = new byte[signingInputLength + 1 + signatureLength];

        Base64Url.Encode(header, token);
        token[headerLength] = (byte)'.';
        Base64Url.Encode(payload, token.AsSpan(headerLength + 1));
        token[signingInputLength] = (byte)'.';

        Span<byte> signature = stackalloc byte[Ed25519PrivateKey.SignatureLength];
        key.Sign(token.AsSpan(0, signingInputLength), signature);
        Base64Url.Encode(signature, token.AsSpan(signingInputLength + 1));
        return token;
    }
}
