using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Internal;

namespace MedIoT.Protocol.Jws;

/// <summary>
/// Splits and checks an untrusted device-frame JWS in compact serialisation (RFC 7515 §7.1) without verifying it.
/// The token must be exactly the three base64url parts: no surrounding whitespace and no trailing newline, because the
/// MQTT payload is the token and nothing else.
/// </summary>
public static class JwsFrameDecoder
{
    /// <summary>The largest token the gateway accepts by default, in bytes (the MQTT payload limit of the protocol).</summary>
    public const int DefaultMaxTokenBytes = 16384;

    /// <summary>The only "typ" header value allowed (RFC 7515 §4.1.9); the header may omit it.</summary>
    public const string FrameType = "mediot-frame";

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 4,
    };

    /// <summary>
    /// Checks, in this order: size (<see cref="FrameRejectionReason.Oversize"/>), shape
    /// (<see cref="FrameRejectionReason.NotCompactJws"/>), header (<see cref="FrameRejectionReason.MalformedHeader"/>,
    /// then <see cref="FrameRejectionReason.UnsupportedAlgorithm"/>) and the signature length
    /// (<see cref="FrameRejectionReason.BadSignature"/>). Never throws for any input. <paramref name="detail"/> never
    /// repeats content of the token.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokenBytes"/> is not positive.</exception>
    public static bool TryDecode(ReadOnlySpan<byte> compact, int maxTokenBytes, [NotNullWhen(true)] out JwsFrame? token,
        out FrameRejectionReason reason, out string? detail)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokenBytes);
        token = null;

        if (compact.Length > maxTokenBytes)
        {
            return Fail(FrameRejectionReason.Oversize, "token is longer than the maximum", out reason, out detail);
        }

        // RFC 7515 §7.1: exactly three parts; an empty payload or signature is meaningless here (RFC 7515 Appendix F
        // detached content is not supported), so every part must be non-empty.
        var firstDot = compact.IndexOf((byte)'.');
        if (firstDot < 0)
        {
            return Fail(FrameRejectionReason.NotCompactJws, "token does not have three parts", out reason, out detail);
        }

        var secondDot = compact[(firstDot + 1)..].IndexOf((byte)'.');
        if (secondDot < 0)
        {
            return Fail(FrameRejectionReason.NotCompactJws, "token does not have three parts", out reason, out detail);
        }

        secondDot += firstDot + 1;
        if (compact[(secondDot + 1)..].Contains((byte)'.'))
        {
            return Fail(FrameRejectionReason.NotCompactJws, "token has more than three parts", out reason, out detail);
        }

        var headerText = compact[..firstDot];
        var payloadText = compact[(firstDot + 1)..secondDot];
        var signatureText = compact[(secondDot + 1)..];
        if (headerText.IsEmpty || payloadText.IsEmpty || signatureText.IsEmpty)
        {
            return Fail(FrameRejectionReason.NotCompactJws, "token has an empty part", out reason, out detail);
        }

        if (!Base64Url.TryDecode(headerText, out var header) || !Base64Url.TryDecode(payloadText, out var payload) ||
            !Base64Url.TryDecode(signatureText, out var signature))
        {
            return Fail(FrameRejectionReason.NotCompactJws, "a part is not strict unpadded base64url", out reason, out detail);
        }

        if (!TryReadHeader(header, out var keyId, out reason, out detail))
        {
            return false;
        }

        if (signature.Length != Ed25519PublicKey.SignatureLength)
        {
            return Fail(FrameRejectionReason.BadSignature, "signature is not 64 bytes", out reason, out detail);
        }

        token = new JwsFrame(keyId!, payload, signature, compact[..secondDot].ToArray());
        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> header, out string? keyId, out FrameRejectionReason reason, out string? detail)
    {
        keyId = null;
        if (!Utf8.IsValid(header))
        {
            return Fail(FrameRejectionReason.MalformedHeader, "header is not valid UTF-8", out reason, out detail);
        }

        try
        {
            var reader = new Utf8JsonReader(header, ReaderOptions);
            return TryReadHeaderObject(ref reader, out keyId, out reason, out detail);
        }
        catch (JsonException)
        {
            keyId = null;
            return Fail(FrameRejectionReason.MalformedHeader, "header is not well-formed JSON", out reason, out detail);
        }
    }

    private static bool TryReadHeaderObject(ref Utf8JsonReader reader, out string? keyId, out FrameRejectionReason reason, out string? detail)
    {
        keyId = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail(FrameRejectionReason.MalformedHeader, "header is not a JSON object", out reason, out detail);
        }

        bool hasAlg = false, hasKid = false, hasTyp = false, algIsEdDsa = false;
        Span<byte> buffer = stackalloc byte[JsonText.MaxShortStringBytes];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("alg"u8))
            {
                if (hasAlg)
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'alg' appears more than once", out reason, out detail);
                }

                hasAlg = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'alg' is not a string", out reason, out detail);
                }

                // Compared after unescaping, so "EdDS\u0041" is EdDSA, as for any JSON reader (RFC 8259 §7).
                algIsEdDsa = reader.ValueTextEquals("EdDSA"u8);
            }
            else if (reader.ValueTextEquals("kid"u8))
            {
                if (hasKid)
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'kid' appears more than once", out reason, out detail);
                }

                hasKid = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'kid' is not a string", out reason, out detail);
                }

                if (!JsonText.TryCopyString(ref reader, buffer, out var length) || !DeviceFrame.IsValidDeviceId(buffer[..length]))
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'kid' is not a valid device id", out reason, out detail);
                }

                keyId = Encoding.ASCII.GetString(buffer[..length]);
            }
            else if (reader.ValueTextEquals("typ"u8))
            {
                if (hasTyp)
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'typ' appears more than once", out reason, out detail);
                }

                hasTyp = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(FrameType))
                {
                    return Fail(FrameRejectionReason.MalformedHeader, "header member 'typ' is not \"mediot-frame\"", out reason, out detail);
                }
            }
            else if (reader.ValueTextEquals("crit"u8))
            {
                // RFC 7515 §4.1.11: a recipient must reject extensions it does not understand; we understand none.
                return Fail(FrameRejectionReason.MalformedHeader, "header has 'crit'; no extensions are supported", out reason, out detail);
            }
            else if (reader.ValueTextEquals("b64"u8))
            {
                // RFC 7797 unencoded payloads would change the signing input; refused outright.
                return Fail(FrameRejectionReason.MalformedHeader, "header has 'b64'; unencoded payloads are not supported", out reason, out detail);
            }
            else
            {
                // Our contract is tight: any other member (jwk, jku, x5u, ...) could change how a lax verifier picks a key.
                return Fail(FrameRejectionReason.MalformedHeader, "header has a member other than alg, kid and typ", out reason, out detail);
            }
        }

        if (reader.Read())
        {
            return Fail(FrameRejectionReason.MalformedHeader, "header has content after the object", out reason, out detail);
        }

        if (!hasAlg || !hasKid)
        {
            keyId = null;
            return Fail(FrameRejectionReason.MalformedHeader, !hasAlg ? "header lacks 'alg'" : "header lacks 'kid'", out reason, out detail);
        }

        if (!algIsEdDsa)
        {
            // RFC 8725 §3.1: the algorithm is fixed by the protocol, never chosen by the sender.
            keyId = null;
            return Fail(FrameRejectionReason.UnsupportedAlgorithm, "header 'alg' is not \"EdDSA\"", out reason, out detail);
        }

        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool Fail(FrameRejectionReason rejection, string text, out FrameRejectionReason reason, out string? detail)
    {
        reason = rejection;
        detail = text;
        return false;
    }
}
