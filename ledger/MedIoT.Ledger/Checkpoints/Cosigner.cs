using System.Buffers.Binary;
using MedIoT.Cryptography;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// Produces Ed25519 cosignatures (C2SP tlog-cosignature, cosignature/v1) under one witness name. It signs whatever it is
/// given: checking the checkpoint's signature and its consistency with what was cosigned before is the witness's job.
/// </summary>
public sealed class Cosigner
{
    private readonly Ed25519PrivateKey _key;

    /// <summary>Creates a cosigner named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public Cosigner(string name, Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        VerifierKey = WitnessKey.Create(name, key.PublicKey);
    }

    /// <summary>The public key that verifies this cosigner's cosignatures.</summary>
    public WitnessKey VerifierKey { get; }

    /// <summary>
    /// Cosigns checkpoint note text (the body, without signature lines) at <paramref name="timestamp"/> (POSIX seconds)
    /// and returns the signature line, ending in a newline: <c>— &lt;name&gt; base64(key id || timestamp || signature)</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="checkpointText"/> is not valid note text.</exception>
    public string Cosign(string checkpointText, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpointText);
        if (!SignedNote.IsValidText(checkpointText))
        {
            throw new ArgumentException("Note text is non-empty UTF-8 lines each ending in a newline.", nameof(checkpointText));
        }

        // base64(32-bit key id || u64 timestamp || Ed25519 signature), all big-endian (tlog-cosignature, "Format").
        var bytes = new byte[4 + WitnessKey.SignatureLength];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, VerifierKey.KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(4), (ulong)timestamp);
        _key.Sign(WitnessKey.SignedMessage(checkpointText, timestamp), bytes.AsSpan(12));
        return $"{SignedNote.SignatureLinePrefix}{VerifierKey.Name} {Convert.ToBase64String(bytes)}\n";
    }
}
