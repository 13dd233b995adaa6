namespace MedIoT.Testing;

/// <summary>
/// A pair of real pseudo-terminals joined by socat (<c>socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>):
/// bytes written to one end are read at the other, through the kernel's tty layer as with a real serial port.
/// <see cref="KillAsync"/> pulls the cable (both ptys hang up and the links go away); <see cref="StartAgainAsync"/>
/// plugs it back in under the same link paths (new ptys behind them, as a re-enumerated USB adapter).
/// </summary>
public sealed class SocatPtyPair : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(15);
    private readonly string _socat;
    private ServerProcess? _process;

    private SocatPtyPair(string socat, string pathA, string pathB)
    {
        _socat = socat;
        PathA = pathA;
        PathB = pathB;
    }

    /// <summary>The link to one end (the device's side in tests).</summary>
    public string PathA { get; }

    /// <summary>The link to the other end (the gateway's side in tests).</summary>
    public string PathB { get; }

    /// <summary>Whether socat is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts socat with links <c>pty-a</c> and <c>pty-b</c> in <paramref name="folder"/> and waits for both links.</summary>
    /// <exception cref="InvalidOperationException">socat is not installed or did not start.</exception>
    public static async Task<SocatPtyPair> StartAsync(string folder)
    {
        var socat = ServerBinary.Require("socat", "socat");
        var pair = new SocatPtyPair(socat, Path.Combine(folder, "pty-a"), Path.Combine(folder, "pty-b"));
        await pair.StartAgainAsync().ConfigureAwait(false);
        return pair;
    }

    /// <summary>Starts socat again after <see cref="KillAsync"/> (plugging the cable back in).</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("socat is already running.");
        }

        // After SIGKILL socat could not remove its links; stale ones would make it fail.
        File.Delete(PathA);
        File.Delete(PathB);
        _process = await ServerProcess.StartAsync(
            "socat", _socat,
            ["-d", "-d", $"pty,raw,echo=0,link={PathA}", $"pty,raw,echo=0,link={PathB}"],
            "starting data transfer loop", s_startTimeout).ConfigureAwait(false);
        if (!File.Exists(PathA) || !File.Exists(PathB))
        {
            throw new InvalidOperationException($"socat started but the links {PathA} and {PathB} do not both exist. Its output:{Environment.NewLine}{_process.RecentOutput}");
        }
    }

    /// <summary>Kills socat (SIGKILL): both ptys hang up, as a pulled cable; the links are removed.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync().ConfigureAwait(false);
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }

        File.Delete(PathA);
        File.Delete(PathB);
    }

    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);
}
