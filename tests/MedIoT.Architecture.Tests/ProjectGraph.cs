using System.Xml.Linq;
using MedIoT.Testing;

namespace MedIoT.Architecture.Tests;

/// <summary>Every project file of the repository and the projects it references, read from the <c>.csproj</c> files.</summary>
internal sealed class ProjectGraph
{
    internal ProjectGraph(IReadOnlyDictionary<string, ProjectFile> projects) => Projects = projects;

    /// <summary>The projects by name (the file name without <c>.csproj</c>).</summary>
    public IReadOnlyDictionary<string, ProjectFile> Projects { get; }

    /// <summary>Reads every <c>.csproj</c> below <paramref name="root"/>, skipping build output.</summary>
    public static ProjectGraph Read(string root)
    {
        var projects = new Dictionary<string, ProjectFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"))
            {
                continue;
            }

            var project = ProjectFile.Read(path, relative);
            Assert.True(projects.TryAdd(project.Name, project), $"Two project files are named {project.Name}.csproj: {projects.GetValueOrDefault(project.Name)?.RelativePath} and {relative}.");
        }

        return new ProjectGraph(projects);
    }

    public static ProjectGraph ReadRepository() => Read(RepositoryLayout.Root);
}

/// <summary>One project file: its name, where it is, and what it references.</summary>
internal sealed record ProjectFile(string Name, string RelativePath, IReadOnlyList<string> ProjectReferences, IReadOnlyList<string> PackageReferences,
    IReadOnlyList<string> FrameworkReferences, IReadOnlyList<string> InternalsVisibleTo, string AssemblyName)
{
    public static ProjectFile Read(string path, string relativePath)
    {
        var document = XDocument.Load(path);
        IReadOnlyList<string> Items(string item) =>
            [.. document.Descendants(item).Select(element => (string?)element.Attribute("Include")).OfType<string>()];
        var name = Path.GetFileNameWithoutExtension(path);
        var referenced = Items("ProjectReference").Select(reference => Path.GetFileNameWithoutExtension(reference.Replace('\\', '/'))).ToList();
        var assemblyName = document.Descendants("AssemblyName").Select(element => element.Value).FirstOrDefault() ?? name;
        return new ProjectFile(name, relativePath, referenced, Items("PackageReference"), Items("FrameworkReference"), Items("InternalsVisibleTo"), assemblyName);
    }
}
