namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// An owner-only folder where a source of gateway-attested readings keeps its sequence numbers (Gateway:Serial:StateFolder,
/// Gateway:Attached:StateFolder), resolved against the settings folder.
/// </summary>
internal sealed class AttestationStateFolder(string folder)
{
    /// <summary>The full path of the state folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>The sequence file of a gateway-attested device; creates the folder (mode 0700) when missing.</summary>
    public string SequenceFile(string deviceId) => File(deviceId + ".seq");

    /// <summary>A state file in the folder; creates the folder (mode 0700) when missing.</summary>
    public string File(string name)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Attestation state files need Unix file modes.");
        }

        if (!Directory.Exists(Folder))
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return Path.Combine(Folder, name);
    }
}
