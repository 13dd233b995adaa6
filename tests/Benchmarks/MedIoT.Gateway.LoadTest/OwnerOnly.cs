namespace MedIoT.Gateway.LoadTest;

/// <summary>The harness's secret files (the gateway's https key, the stations' accounts file): mode 0600 from creation, in a folder of mode 0700.</summary>
internal static class OwnerOnly
{
    /// <summary>Creates <paramref name="path"/> (never overwrites) with <paramref name="content"/>, and its folder if missing.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
