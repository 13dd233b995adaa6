namespace MedIoT.Ledger.Checkpoints;

/// <summary>One signature line of a signed note: <c>— &lt;name&gt; &lt;base64(key id || signature)&gt;</c>.</summary>
/// <param name="Name">The key name.</param>
/// <param name="KeyId">The 32-bit key id (the first 4 decoded bytes, big-endian).</param>
/// <param name="Signature">The signature bytes after the key id.</param>
public sealed record NoteSignature(string Name, uint KeyId, ReadOnlyMemory<byte> Signature);
