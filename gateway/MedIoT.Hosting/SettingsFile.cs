namespace MedIoT.Hosting;

/// <summary>
/// A service's settings file as found by <see cref="SettingsFileSearch"/> (or named outright by
/// <see cref="FromPath"/>): where it is, whether it must exist, the folder relative paths in the settings resolve against,
/// and the command line left once the file's option was taken out.
/// </summary>
public sealed class SettingsFile
{
    internal SettingsFile(string path, bool isRequired, IReadOnlyList<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        IsRequired = isRequired;
        Folder = System.IO.Path.GetDirectoryName(Path)!;
        Arguments = [.. arguments];
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>True when the file was named (option, environment variable or <see cref="FromPath"/>) and so must exist.</summary>
    public bool IsRequired { get; }

    /// <summary>The folder of the settings file: relative paths in the settings (key files, databases) are resolved against it.</summary>
    public string Folder { get; }

    /// <summary>The command line without the option that named the file: <c>--Section:Setting=value</c> overrides.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>A settings file named outright (such as mediot-witness's <c>--config FILE</c>); it must exist. No command-line overrides.</summary>
    public static SettingsFile FromPath(string path) => new(path, isRequired: true, []);

    /// <summary>Resolves <paramref name="path"/> against <see cref="Folder"/>; an absolute path is returned as it is, an empty one stays empty.</summary>
    public string Resolve(string path) => string.IsNullOrEmpty(path) ? path : System.IO.Path.GetFullPath(path, Folder);

    /// <summary>Throws when the file is required but missing.</summary>
    /// <exception cref="FileNotFoundException">The file was named but does not exist; the message gives its full path.</exception>
    public void ThrowIfMissing()
    {
        if (IsRequired && !File.Exists(Path))
        {
            throw new FileNotFoundException($"The settings file '{Path}' does not exist.", Path);
        }
    }
}
