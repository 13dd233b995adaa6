namespace MedIoT.Testing;

/// <summary>Paths inside the repository checkout that the tests run from.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds <c>MedIoT.sln</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>The <c>configs/</c> folder.</summary>
    public static string Configs => Path.Combine(Root, "configs");

    /// <summary>
    /// A built assembly of a project under <c>ledger/</c> or <c>gateway/</c>, in the configuration these tests run in, or
    /// a clear failure naming the build command.
    /// </summary>
    public static string BuiltAssembly(string projectFolder, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(Root, projectFolder, "bin", configuration, "net10.0", assembly);
        return File.Exists(path) ? path
            : throw new InvalidOperationException($"{assembly} is not built at '{path}'. Build it: dotnet build {projectFolder} -c {configuration}");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MedIoT.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"MedIoT.sln was not found above '{AppContext.BaseDirectory}'. Run the tests from a checkout of the repository.");
    }
}
