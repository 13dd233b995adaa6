namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>Where the serial ingestion keeps its state (Gateway:Serial:StateFolder), resolved against the settings folder.</summary>
internal sealed class SerialStatePaths(string stateFolder)
{
    /// <summary>The full path of the state folder.</summary>
    public string Folder { get; } = stateFolder;

    /// <summary>The sequence file of a gateway-attested device; creates the folder (mode 0700) when missing.</summary>
    public string SequenceFile(string deviceId)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Serial state files need Unix file modes.");
        }

        if (!Directory.Exists(Folder))
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return Path.Combine(Folder, deviceId + ".seq");
    }
}
