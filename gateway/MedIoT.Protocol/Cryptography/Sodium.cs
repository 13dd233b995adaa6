using System.Reflection;
using System.Runtime.InteropServices;

namespace MedIoT.Protocol.Cryptography;

/// <summary>
/// The libsodium binding for Ed25519 (RFC 8032 §5.1, pure Ed25519 without prehash).
/// The library is resolved once with <see cref="NativeLibrary"/> and <c>sodium_init</c> runs once;
/// every entry point calls <see cref="EnsureInitialized"/> first.
/// </summary>
internal static unsafe partial class Sodium
{
    internal const int SeedBytes = 32;
    internal const int PublicKeyBytes = 32;
    internal const int SecretKeyBytes = 64;
    internal const int SignatureBytes = 64;

    /// <summary>The name used in the <see cref="LibraryImportAttribute"/>s; mapped by our resolver.</summary>
    private const string LibraryName = "libsodium";

    /// <summary>Debian's libsodium23 ships only the versioned name unless libsodium-dev is installed.</summary>
    internal static readonly IReadOnlyList<string> CandidateLibraryNames = ["libsodium.so.23", "libsodium"];

    // Lazy with ExecutionAndPublication: one thread loads and initialises, the others wait.
    // A failure is cached, so every later call reports the same actionable message.
    private static readonly Lazy<nint> LibraryHandle = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static void EnsureInitialized() => _ = LibraryHandle.Value;

    /// <summary>Loads the first library of <paramref name="candidates"/> that exists (a seam for tests).</summary>
    /// <exception cref="InvalidOperationException">None of the candidates can be loaded.</exception>
    internal static nint LoadLibrary(IReadOnlyList<string> candidates)
    {
        foreach (var name in candidates)
        {
            if (NativeLibrary.TryLoad(name, typeof(Sodium).Assembly, DllImportSearchPath.SafeDirectories, out var handle))
            {
                return handle;
            }
        }

        throw new InvalidOperationException(
            $"libsodium is missing: none of [{string.Join(", ", candidates)}] could be loaded, and MedIoT needs it for " +
            "Ed25519 device-frame signatures. Install it with 'sudo apt-get install libsodium23' (Debian/Ubuntu).");
    }

    private static nint Initialize()
    {
        var handle = LoadLibrary(CandidateLibraryNames);
        NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, (string name, Assembly _, DllImportSearchPath? _) =>
            name == LibraryName ? handle : 0);

        // sodium_init returns 0 on success, 1 when already initialised, -1 on failure.
        if (SodiumInit() < 0)
        {
            throw new InvalidOperationException("libsodium failed to initialise (sodium_init returned -1).");
        }

        return handle;
    }

    internal static void SeedKeypair(ReadOnlySpan<byte> seed, Span<byte> publicKey, Span<byte> secretKey)
    {
        EnsureInitialized();
        if (seed.Length != SeedBytes || publicKey.Length != PublicKeyBytes || secretKey.Length != SecretKeyBytes)
        {
            throw new ArgumentException("Wrong buffer length for crypto_sign_seed_keypair.");
        }

        fixed (byte* seedPointer = seed)
        fixed (byte* publicKeyPointer = publicKey)
        fixed (byte* secretKeyPointer = secretKey)
        {
            if (CryptoSignSeedKeypair(publicKeyPointer, secretKeyPointer, seedPointer) != 0)
            {
                throw new InvalidOperationException("libsodium crypto_sign_seed_keypair failed.");
            }
        }
    }

    internal static void SignDetached(ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey, Span<byte> signature)
    {
        EnsureInitialized();
        if (secretKey.Length != SecretKeyBytes || signature.Length != SignatureBytes)
        {
            throw new ArgumentException("Wrong buffer length for crypto_sign_detached.");
        }

        // An empty span pins to a null pointer; give libsodium a valid address for zero-length messages.
        byte empty = 0;
        fixed (byte* messagePointer = message)
        fixed (byte* secretKeyPointer = secretKey)
        fixed (byte* signaturePointer = signature)
        {
            var pointer = message.IsEmpty ? &empty : messagePointer;
            ulong signatureLength = 0;
            if (CryptoSignDetached(signaturePointer, &signatureLength, pointer, (ulong)message.Length, secretKeyPointer) != 0
                || signatureLength != SignatureBytes)
            {
                throw new InvalidOperationException("libsodium crypto_sign_detached failed.");
            }
        }
    }

    internal static bool VerifyDetached(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKey)
    {
        EnsureInitialized();
        if (signature.Length != SignatureBytes || publicKey.Length != PublicKeyBytes)
        {
            return false;
        }

        byte empty = 0;
        fixed (byte* messagePointer = message)
        fixed (byte* signaturePointer = signature)
        fixed (byte* publicKeyPointer = publicKey)
        {
            var pointer = message.IsEmpty ? &empty : messagePointer;
            return CryptoSignVerifyDetached(signaturePointer, pointer, (ulong)message.Length, publicKeyPointer) == 0;
        }
    }

    [LibraryImport(LibraryName, EntryPoint = "sodium_init")]
    private static partial int SodiumInit();

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_seed_keypair")]
    private static partial int CryptoSignSeedKeypair(byte* publicKey, byte* secretKey, byte* seed);

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_detached")]
    private static partial int CryptoSignDetached(byte* signature, ulong* signatureLength, byte* message, ulong messageLength, byte* secretKey);

    [LibraryImport(LibraryName, EntryPoint = "crypto_sign_verify_detached")]
    private static partial int CryptoSignVerifyDetached(byte* signature, byte* message, ulong messageLength, byte* publicKey);
}
