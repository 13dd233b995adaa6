using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Access;

/// <summary>
/// Failed sign-ins per account name and per client address in a fixed window (<c>Gateway:Access:SignInFailureLimit</c>
/// in <c>SignInFailureWindowSeconds</c>): once either has failed the limit, attempts are refused without checking the
/// password until the window that began with its first failure ends. At most <see cref="MaximumKeys"/> names and
/// addresses are remembered; when full, expired windows are dropped first, then the oldest.
/// </summary>
internal sealed class SignInThrottle(IOptions<AccessOptions> options, TimeProvider timeProvider)
{
    /// <summary>The most names and addresses remembered at once.</summary>
    public const int MaximumKeys = 10_000;

    private readonly int _limit = options.Value.SignInFailureLimit;
    private readonly TimeSpan _window = TimeSpan.FromSeconds(options.Value.SignInFailureWindowSeconds);
    private readonly Dictionary<string, (int Failures, DateTimeOffset Since)> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How long until <paramref name="keys"/> may try again; <see cref="TimeSpan.Zero"/> when none is limited.</summary>
    public TimeSpan RetryAfter(params ReadOnlySpan<string> keys)
    {
        var now = timeProvider.GetUtcNow();
        var wait = TimeSpan.Zero;
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (_failures.TryGetValue(key, out var entry) && entry.Failures >= _limit && now - entry.Since < _window)
                {
                    wait = TimeSpan.FromTicks(Math.Max(wait.Ticks, (entry.Since + _window - now).Ticks));
                }
            }
        }

        return wait;
    }

    /// <summary>Counts a failure against each of <paramref name="keys"/>.</summary>
    public void RecordFailure(params ReadOnlySpan<string> keys)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (_failures.TryGetValue(key, out var entry) && now - entry.Since < _window)
                {
                    _failures[key] = (entry.Failures + 1, entry.Since);
                    continue;
                }

                if (!_failures.ContainsKey(key) && _failures.Count >= MaximumKeys)
                {
                    MakeRoom(now);
                }

                _failures[key] = (1, now);
            }
        }
    }

    /// <summary>Forgets the failures of <paramref name="key"/> (an account that signed in).</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>How many names and addresses are remembered.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _failures.Count;
            }
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var key in _failures.Where(pair => now - pair.Value.Since >= _window).Select(pair => pair.Key).ToList())
        {
            _failures.Remove(key);
        }

        if (_failures.Count >= MaximumKeys)
        {
            _failures.Remove(_failures.MinBy(pair => pair.Value.Since).Key);
        }
    }
}
