using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MedIoT.Testing;

/// <summary>
/// A server running as a child process of the tests. Readiness is a line the server prints
/// (awaited, never slept for); its recent output is kept to explain a failure.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private const int RecentLineCount = 200;
    private const int SignalHangUp = 1;
    private const int SignalTerminate = 15;

    private readonly Process _process;
    private readonly Queue<string> _recentLines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Marker, TaskCompletionSource Seen)> _lineWaits = [];
    private readonly string _readyMarker;
    private readonly string _name;

    private ServerProcess(string name, Process process, string readyMarker)
    {
        _name = name;
        _process = process;
        _readyMarker = readyMarker;
    }

    /// <summary>The process id (for /proc measurements).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Completes when the process ends.</summary>
    public Task Exited => _exited.Task;

    /// <summary>The exit code of the ended process (for a service stop: 0 when it shut down cleanly).</summary>
    /// <exception cref="InvalidOperationException">The process is still running.</exception>
    public int ExitCode => HasExited ? _process.ExitCode
        : throw new InvalidOperationException($"{_name} (pid {_process.Id}) is still running: it has no exit code yet.");

    /// <summary>The last lines the server printed, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_recentLines)
            {
                return string.Join(Environment.NewLine, _recentLines);
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> and waits until it prints <paramref name="readyMarker"/>.</summary>
    /// <exception cref="InvalidOperationException">The server exited or stayed silent past <paramref name="timeout"/>.</exception>
    public static async Task<ServerProcess> StartAsync(
        string name, string fileName, IEnumerable<string> arguments, string readyMarker, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
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

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new ServerProcess(name, process, readyMarker);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server.OnExited();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} ('{fileName}') did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server._ready.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"{name} did not print '{readyMarker}' within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{server.RecentOutput}");
        }
        catch (InvalidOperationException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// Sends SIGHUP (a server's "reload your configuration") and returns once the server printed <paramref name="marker"/>
    /// after it; the wait is registered before the signal is sent, so an earlier line never counts.
    /// </summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent, or the line did not come within <paramref name="timeout"/>.</exception>
    public Task ReloadAsync(string marker, TimeSpan timeout) =>
        WaitForLineAsync(marker, timeout, " of SIGHUP", () =>
        {
            if (HasExited || SendSignal(_process.Id, SignalHangUp) != 0)
            {
                throw new InvalidOperationException($"{_name} (pid {_process.Id}) could not be sent SIGHUP: it is not running.");
            }

            return false;
        });

    /// <summary>
    /// Returns once the server has printed a line containing <paramref name="marker"/>, now or among its recent lines: the wait
    /// is registered before the recent lines are searched, so a line printed in between is not missed.
    /// </summary>
    /// <exception cref="InvalidOperationException">No such line within <paramref name="timeout"/>, or the server exited.</exception>
    public Task WaitForOutputAsync(string marker, TimeSpan timeout) =>
        WaitForLineAsync(marker, timeout, string.Empty, () => RecentOutput.Contains(marker, StringComparison.Ordinal));

    /// <summary>Ends the server at once with SIGKILL, as a crash or power cut would.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>Asks the server to stop with SIGTERM and waits for it; kills it if it does not stop in time.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (HasExited)
        {
            return;
        }

        _ = SendSignal(_process.Id, SignalTerminate);
        try
        {
            await _exited.Task.WaitAsync(grace ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>
    /// Registers a wait for a line containing <paramref name="marker"/>, then runs <paramref name="afterRegistering"/> (which
    /// returns whether the line is already there) and waits; <paramref name="after"/> completes the timeout message.
    /// </summary>
    private async Task WaitForLineAsync(string marker, TimeSpan timeout, string after, Func<bool> afterRegistering)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = (marker, seen);
        lock (_lineWaits)
        {
            _lineWaits.Add(wait);
        }

        try
        {
            if (!afterRegistering())
            {
                await seen.Task.WaitAsync(timeout).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(
                $"{_name} did not print '{marker}' within {timeout.TotalSeconds:0} s{after}. Its output:{Environment.NewLine}{RecentOutput}");
        }
        finally
        {
            lock (_lineWaits)
            {
                _lineWaits.Remove(wait);
            }
        }
    }

    private async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{_name} (pid {_process.Id}) did not exit within {timeout.TotalSeconds:0} s.");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentLines)
        {
            _recentLines.Enqueue(line);
            while (_recentLines.Count > RecentLineCount)
            {
                _recentLines.Dequeue();
            }
        }

        if (line.Contains(_readyMarker, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }

        lock (_lineWaits)
        {
            foreach (var wait in _lineWaits.Where(wait => line.Contains(wait.Marker, StringComparison.Ordinal)))
            {
                wait.Seen.TrySetResult();
            }
        }
    }

    private void OnExited()
    {
        // Let the asynchronous readers drain what the process printed last before reporting.
        _process.WaitForExit();
        _ready.TrySetException(new InvalidOperationException(
            $"{_name} exited with code {_process.ExitCode} before it was ready. Its output:{Environment.NewLine}{RecentOutput}"));
        lock (_lineWaits)
        {
            foreach (var (marker, seen) in _lineWaits)
            {
                seen.TrySetException(new InvalidOperationException(
                    $"{_name} exited with code {_process.ExitCode} before it printed '{marker}'. Its output:{Environment.NewLine}{RecentOutput}"));
            }
        }

        _exited.TrySetResult();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int processId, int signal);
}
