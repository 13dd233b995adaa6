namespace MedIoT.Testing;

/// <summary>Paths inside the repository checkout that the tests run from.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds <c>MedIoT.sln</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>The <c>configs/</c> folder.</summary>
    public static string Configs => Path.Combine(Root, "configs");

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
