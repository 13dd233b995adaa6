using System.Collections.Concurrent;
using System.Diagnostics;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>A mosquitto command-line tool run by a test, with its output lines observable as they arrive.</summary>
internal sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Marker, TaskCompletionSource Seen)> _waits = [];

    private ToolProcess(Process process) => _process = process;

    public IReadOnlyList<string> Lines => [.. _lines];

    public Task Exited => _exited.Task;

    public int ExitCode => _process.ExitCode;

    public static ToolProcess Start(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ServerBinary.Require(program, program == "stdbuf" ? "coreutils" : "mosquitto-clients"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var tool = new ToolProcess(process);
        process.OutputDataReceived += (_, e) => tool.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => tool.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            process.WaitForExit();
            tool._exited.TrySetResult();
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>Runs a tool to completion and returns its output; fails the test on a non-zero exit.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string program, params string[] arguments)
    {
        using var tool = Start(program, arguments);
        await tool.Exited.WaitAsync(Broker.Timeout);
        Assert.True(tool.ExitCode == 0, $"{program} exited with {tool.ExitCode}: {string.Join(Environment.NewLine, tool.Lines)}");
        return tool.Lines;
    }

    /// <summary>Completes when a line containing <paramref name="marker"/> has been printed.</summary>
    public Task WaitForLineAsync(string marker)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            _waits.Add((marker, seen));
            if (_lines.Any(line => line.Contains(marker, StringComparison.Ordinal)))
            {
                seen.TrySetResult();
            }
        }

        return seen.Task.WaitAsync(Broker.Timeout);
    }

    public void Dispose()
    {
        if (!_exited.Task.IsCompleted)
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_waits)
        {
            _lines.Enqueue(line);
            foreach (var (marker, seen) in _waits)
            {
                if (line.Contains(marker, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }
    }
}
