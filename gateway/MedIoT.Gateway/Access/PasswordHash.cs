using System.Security.Cryptography;
using System.Text;

namespace MedIoT.Gateway.Access;

/// <summary>
/// A password stored as PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) of its UTF-8 bytes with a random 16-byte salt of its own and
/// the iteration count it was made with, so the count can rise for new passwords without invalidating old ones.
/// </summary>
/// <param name="Iterations">The PBKDF2 iteration count.</param>
/// <param name="Salt">16 random bytes.</param>
/// <param name="Hash">The 32-byte derived key.</param>
internal sealed record PasswordHash(int Iterations, byte[] Salt, byte[] Hash)
{
    /// <summary>
    /// The iteration count for new passwords. 210,000 costs about 0.1 s on one x86 core here and about 0.3-0.4 s on a
    /// Raspberry Pi 4 core (docs/accounts.md §2, measured), under the half second a sign-in may take.
    /// </summary>
    public const int DefaultIterations = 210_000;

    /// <summary>The fewest iterations a file may name (OWASP's floor for PBKDF2-HMAC-SHA256 in 2021 was 310,000; below 100,000 is refused as too cheap).</summary>
    public const int MinimumIterations = 100_000;

    /// <summary>The most iterations a file may name (so a bad file cannot make one sign-in take minutes).</summary>
    public const int MaximumIterations = 5_000_000;

    /// <summary>The salt's length in bytes.</summary>
    public const int SaltBytes = 16;

    /// <summary>The derived key's length in bytes.</summary>
    public const int HashBytes = 32;

    /// <summary>The longest password accepted, in UTF-8 bytes (a longer one is refused before hashing).</summary>
    public const int MaximumPasswordBytes = 1024;

    /// <summary>Hashes <paramref name="password"/> with a new random salt.</summary>
    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaximumIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(iterations, salt, Derive(password, salt, iterations));
    }

    /// <summary>Whether <paramref name="password"/> is the one hashed; the comparison takes the same time wherever the hashes differ.</summary>
    public bool Matches(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0 || Encoding.UTF8.GetByteCount(password) > MaximumPasswordBytes)
        {
            return false;
        }

        var derived = Derive(password, Salt, Iterations);
        return CryptographicOperations.FixedTimeEquals(derived, Hash);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
