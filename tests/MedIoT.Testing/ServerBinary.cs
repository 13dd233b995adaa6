namespace MedIoT.Testing;

/// <summary>Finds the server programs the fixtures run; a missing one is a clear failure, never a skip.</summary>
public static class ServerBinary
{
    /// <summary>The full path of <paramref name="program"/> on PATH or in the usual Debian folders.</summary>
    /// <exception cref="InvalidOperationException">The program is not installed.</exception>
    public static string Require(string program, string debianPackage)
    {
        var searchPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]);
        foreach (var folder in searchPath)
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"The test server '{program}' is not installed. Install it with 'sudo apt-get install {debianPackage}', " +
            "or run configs/install.sh, which installs everything the tests need.");
    }
}
