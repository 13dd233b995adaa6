using System.Diagnostics;
using System.Text;

namespace MedIoT.Testing;

/// <summary>Runs a command-line program to completion (bounded) and captures what it printed.</summary>
public static class CommandLine
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/>, writing <paramref name="standardInput"/> to it when
    /// given; a run longer than <paramref name="timeout"/> (default 60 s) is killed and fails.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null,
        string? standardInput = null, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(60);
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{fileName}' did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var expiry = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(expiry.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {bound.TotalSeconds:0} s.");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>The built <c>mediot-verify</c> (Release or Debug, like the tests).</summary>
    public static string VerifierAssembly => RepositoryLayout.BuiltAssembly("ledger/MedIoT.Ledger.Verifier", "mediot-verify.dll");

    /// <summary>Exit code, standard output and standard error, for an assertion message.</summary>
    public static string Describe(this (int ExitCode, string Output, string Error) result) =>
        new StringBuilder().Append("exit ").Append(result.ExitCode).AppendLine().Append(result.Output).AppendLine().Append(result.Error).ToString();
}
