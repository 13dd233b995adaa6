namespace MedIoT.Testing;

/// <summary>A private folder under the system temporary folder, deleted on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    private TemporaryDirectory(string path) => Path = path;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Creates a new, empty folder readable only by the current user.</summary>
    public static TemporaryDirectory Create(string prefix)
    {
        var info = Directory.CreateTempSubdirectory($"mediot-{prefix}-");
        if (!OperatingSystem.IsWindows())
        {
            info.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        return new TemporaryDirectory(info.FullName);
    }

    /// <summary>A path inside the folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server that has not quite let go of a file; the OS cleans temporary folders.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
