using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MedIoT.FirmwareSim.Provisioning;

/// <summary>
/// mosquitto's password file (<c>password_file</c>, mosquitto.conf(5)): one line <c>username:hash</c> per account, in
/// mosquitto 2.0's PBKDF2 form, the one <c>mosquitto_passwd</c> writes:
/// <c>$7$&lt;iterations&gt;$&lt;salt&gt;$&lt;key&gt;</c>, the key being PBKDF2-HMAC-SHA512 (RFC 8018 §5.2) of the password's UTF-8
/// bytes over a 12-byte random salt, 64 bytes long, salt and key in standard base64 with padding (RFC 4648 §4).
/// </summary>
/// <remarks>
/// 101 iterations is mosquitto_passwd's default. The broker runs the derivation on every CONNECT; our passwords are 32
/// random bytes (<see cref="BrokerAccounts.CreatePassword"/>), which no stretching could make harder to guess, so more
/// iterations would only cost the broker time when a ward of devices reconnects at once.
/// </remarks>
public static class MosquittoPasswordFile
{
    /// <summary>PBKDF2 iterations, as mosquitto_passwd's default.</summary>
    public const int Iterations = 101;

    /// <summary>The salt length mosquitto uses, in bytes.</summary>
    public const int SaltBytes = 12;

    /// <summary>The derived key length: one SHA-512 output, in bytes.</summary>
    public const int KeyBytes = 64;

    /// <summary>One password file line for <paramref name="username"/>, with a new random salt (no line end).</summary>
    /// <exception cref="ArgumentException">The user name is empty or holds ':' or a control character.</exception>
    public static string FormatEntry(string username, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return FormatEntry(username, password, salt, Iterations);
    }

    /// <summary>One password file line with the given salt and iteration count (for known-answer checks against mosquitto_passwd).</summary>
    internal static string FormatEntry(string username, string password, ReadOnlySpan<byte> salt, int iterations)
    {
        ThrowIfInvalidUsername(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, KeyBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{username}:$7${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}");
    }

    /// <summary>
    /// Writes a new password file of mode 0600 (it holds no passwords, but their hashes are for the broker alone) with one
    /// line per account, in the order given.
    /// </summary>
    /// <exception cref="IOException">The file already exists (it is never overwritten) or cannot be written.</exception>
    /// <exception cref="ArgumentException">A user name is invalid or appears twice.</exception>
    public static void Write(string path, IEnumerable<(string Username, string Password)> accounts)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(accounts);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var (username, password) in accounts)
        {
            if (!seen.Add(username))
            {
                throw new ArgumentException($"The broker account '{username}' appears twice.", nameof(accounts));
            }

            text.Append(FormatEntry(username, password)).Append('\n');
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Throws unless <paramref name="username"/> can be a password file user name: not empty, no ':' (the separator), no control character.</summary>
    /// <exception cref="ArgumentException">The user name cannot be written.</exception>
    public static void ThrowIfInvalidUsername(string username)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        if (username.Contains(':', StringComparison.Ordinal) || username.Any(char.IsControl))
        {
            throw new ArgumentException($"'{username}' cannot be a broker user name: it holds ':' or a control character.", nameof(username));
        }
    }
}
