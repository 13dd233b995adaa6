using System.Collections.Concurrent;

namespace MedIoT.Gateway.Access;

/// <summary>Logs each kind of refusal once per reason; later ones are only counted (docs/accounts.md §6).</summary>
internal sealed class AccessLogOnce(ILogger<AccessLogOnce> logger)
{
    private readonly ConcurrentDictionary<string, bool> _logged = new(StringComparer.Ordinal);

    public void TokenRefused(string reason)
    {
        if (_logged.TryAdd("token:" + reason, true))
        {
            Log.TokenRefused(logger, reason);
        }
    }

    public void CookieRefused(string reason)
    {
        if (_logged.TryAdd("cookie:" + reason, true))
        {
            Log.CookieRefused(logger, reason);
        }
    }

    public void AntiforgeryRefused(string method, string path, string reason)
    {
        if (_logged.TryAdd("antiforgery:" + reason, true))
        {
            Log.AntiforgeryRefused(logger, method, path, reason);
        }
    }
}
