namespace MedIoT.Ledger.Proofs;

/// <summary>Why an untrusted proof was rejected. Values are stable: callers count and log them per reason.</summary>
public enum ProofFailure
{
    /// <summary>The proof verified.</summary>
    None = 0,

    /// <summary>The leaf index is not below the tree size (this includes every index for a tree of size 0).</summary>
    IndexOutOfRange,

    /// <summary>A size is negative, or the first size of a consistency proof is larger than the second.</summary>
    SizeOutOfRange,

    /// <summary>The proof does not have exactly the number of hashes that the sizes (and index) imply; checked before hashing.</summary>
    WrongProofLength,

    /// <summary>A leaf hash, root hash or proof element is not exactly 32 bytes.</summary>
    MalformedHash,

    /// <summary>The hashes recomputed from the proof do not equal the given root hash(es).</summary>
    RootMismatch,
}
