using System.Text;

namespace MedIoT.Testing;

/// <summary>Text files that hold a fixture's secrets (keys, passwords, client secrets): created 0600, never overwritten.</summary>
public static class OwnerOnlyTextFile
{
    /// <summary>Writes <paramref name="content"/> as UTF-8 to a new file of mode 0600.</summary>
    /// <exception cref="IOException">The file exists already.</exception>
    public static void Write(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
