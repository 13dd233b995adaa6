namespace MedIoT.Protocol.Frames;

/// <summary>
/// Why a device frame was rejected. Values are stable: they are counted per reason in metrics and logs.
/// The protocol library decides the reasons up to <see cref="KeyIdMismatch"/>; the gateway decides the rest.
/// </summary>
public enum FrameRejectionReason
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>The token is longer than the allowed maximum (default 16384 bytes); checked before anything else.</summary>
    Oversize,

    /// <summary>
    /// Not a JWS compact serialisation (RFC 7515 §7.1): not exactly three non-empty parts separated by ".",
    /// or a part that is not strict unpadded base64url (RFC 7515 §2).
    /// </summary>
    NotCompactJws,

    /// <summary>
    /// The protected header is not a JSON object with exactly the members "alg" (string), "kid" (a valid device id)
    /// and optionally "typ" ("mediot-frame"); this includes "crit" (RFC 7515 §4.1.11), "b64" (RFC 7797), any
    /// other member and duplicate members.
    /// </summary>
    MalformedHeader,

    /// <summary>"alg" is not exactly "EdDSA" (RFC 8037 §3.1); "none", HMAC and every other algorithm are refused (RFC 8725 §3.1).</summary>
    UnsupportedAlgorithm,

    /// <summary>The signature is not 64 bytes or does not verify with the registered key of the device (RFC 8032 §5.1.7). A security event.</summary>
    BadSignature,

    /// <summary>
    /// The payload is not a version 1 frame object: not UTF-8, not well-formed JSON, not an object, a member of the
    /// wrong JSON type (including a "status" that is not an array of strings), an unknown, duplicate or missing member.
    /// </summary>
    MalformedPayload,

    /// <summary>
    /// The payload is well-formed but breaks a rule: "v" is not 1, an invalid device id, a sequence number out of range,
    /// no observations in a frame without "status", too many observations, an unknown code, a unit that does not
    /// match the code, a value that is not a finite number, a time that is not a valid RFC 3339 UTC time, or a "status"
    /// with an unknown name, a name given twice or more than 11 items.
    /// </summary>
    InvalidFrame,

    /// <summary>The header's "kid" differs from the payload's "device". A security event.</summary>
    KeyIdMismatch,

    /// <summary>The gateway's registry does not know the device named by "kid". A security event.</summary>
    UnknownDevice,

    /// <summary>The device is registered but revoked. A security event.</summary>
    RevokedDevice,

    /// <summary>The device id in the MQTT topic differs from "kid" and the payload's "device". A security event.</summary>
    TopicMismatch,

    /// <summary>
    /// The sequence number is more than 1024 below the highest one accepted from the device, so it falls outside the
    /// window in which late frames are still accepted. A security event.
    /// </summary>
    ReplayedSequence,

    /// <summary>A sequence number already accepted arrives again with different content. A security event.</summary>
    SequenceConflict,
}
