using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Gateway.Identity;

/// <summary>
/// The gateway's own Ed25519 key and name. It attests readings of devices that cannot sign (docs/serial.md,
/// "Attestation") and will sign the ledger's checkpoints. The key is a private OKP JWK (RFC 8037 §2) in a file with
/// mode 0600 inside a folder with mode 0700, created on first use when missing; logs show its path and RFC 7638
/// thumbprint, never key material.
/// </summary>
public sealed class GatewayIdentity : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Ed25519PrivateKey _key;

    private GatewayIdentity(string name, string keyFile, Ed25519PrivateKey key)
    {
        Name = name;
        KeyFile = keyFile;
        _key = key;
        Thumbprint = OkpJsonWebKey.ComputeThumbprint(key.PublicKey);
    }

    /// <summary>The gateway's key name (Gateway:Identity:Name).</summary>
    public string Name { get; }

    /// <summary>The full path of the key file.</summary>
    public string KeyFile { get; }

    /// <summary>The public key.</summary>
    public Ed25519PublicKey PublicKey => _key.PublicKey;

    /// <summary>The RFC 7638 JWK thumbprint of the public key, for logs and for registering the gateway elsewhere.</summary>
    public string Thumbprint { get; }

    /// <summary>Signs <paramref name="frame"/> as a JWS with the gateway's key (<c>kid</c> stays the device id).</summary>
    public byte[] SignFrame(DeviceFrame frame) => JwsFrameEncoder.Encode(frame, _key);

    /// <summary>
    /// Opens the signer of the journal's checkpoints (ledger/README.md): the gateway's key, its <see cref="Name"/> as the
    /// log's origin, the last signed checkpoint kept in <paramref name="stateFile"/>.
    /// </summary>
    public CheckpointSigner OpenCheckpointSigner(string stateFile) => CheckpointSigner.Open(Name, _key, stateFile);

    /// <summary>
    /// Loads the key in <paramref name="keyFile"/>, or creates it (and its folder, mode 0700) when missing.
    /// <paramref name="created"/> says which.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder or the file is open to group or others; the message gives the fix.</exception>
    /// <exception cref="InvalidDataException">The file is not a private Ed25519 JWK.</exception>
    public static GatewayIdentity LoadOrCreate(string keyFile, string name, out bool created)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyFile);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The gateway key needs Unix file modes (0600/0700).");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(keyFile))!;
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }

        var mode = File.GetUnixFileMode(folder);
        if ((mode & GroupOrOthers) != 0)
        {
            throw new InvalidOperationException(
                $"The folder '{folder}' of the gateway key (Gateway:Identity:KeyFile) has mode {Convert.ToString((int)mode, 8)}; it must be " +
                $"reachable by its owner only. Fix it with 'chmod 700 {folder}', or choose another folder.");
        }

        created = false;
        if (!File.Exists(keyFile))
        {
            using var generated = Ed25519PrivateKey.Generate();
            try
            {
                PrivateKeyFile.Write(keyFile, generated);
                created = true;
            }
            catch (IOException) when (File.Exists(keyFile))
            {
                // Another process created it at the same moment: use that one.
            }
        }

        return new GatewayIdentity(name, Path.GetFullPath(keyFile), PrivateKeyFile.Read(keyFile));
    }

    public void Dispose() => _key.Dispose();
}
