using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;

namespace MedIoT.Gateway.Access;

/// <summary>
/// The station sessions that signed out before their cookie expired (docs/accounts.md §5). Every sign-in cookie carries a
/// random session id (<see cref="ClaimType"/>); signing out lists that id here until the last moment any copy of the cookie
/// could still be valid, so a cookie captured before the sign-out is refused after it, like a forged one. The list is kept
/// in the keys folder (<c>signed-out-sessions</c>, mode 0600, one <c>id expiry</c> line each), so a restart keeps it.
/// </summary>
internal sealed class SignedOutSessions(TimeProvider timeProvider)
{
    /// <summary>The claim of the session id in a sign-in cookie's principal.</summary>
    public const string ClaimType = "mediot-session";

    /// <summary>The file in the keys folder.</summary>
    public const string FileName = "signed-out-sessions";

    /// <summary>The most sessions listed at once; the oldest expiries are dropped beyond it (a bound on a file no one reads by hand).</summary>
    public const int MaximumSessions = 100_000;

    private readonly Dictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);
    private string? _path;

    /// <summary>A new session id: 128 random bits, hex.</summary>
    public static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Reads the list from <paramref name="keysFolder"/> (a line that does not read is skipped) and keeps it there from now on.</summary>
    public void Load(string keysFolder)
    {
        var path = Path.Combine(keysFolder, FileName);
        lock (_sessions)
        {
            _path = path;
            if (!File.Exists(path))
            {
                return;
            }

            var now = timeProvider.GetUtcNow();
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && parts[0].Length == 32
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
                    && DateTimeOffset.FromUnixTimeSeconds(expiry) > now)
                {
                    _sessions[parts[0]] = DateTimeOffset.FromUnixTimeSeconds(expiry);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="principal"/> is a session that may no longer be used: it signed out, or it has no session id.</summary>
    public bool HasEnded(ClaimsPrincipal principal)
    {
        var sessionId = principal.FindFirst(ClaimType)?.Value;
        if (sessionId is null)
        {
            return true;
        }

        lock (_sessions)
        {
            return _sessions.TryGetValue(sessionId, out var expiry) && expiry > timeProvider.GetUtcNow();
        }
    }

    /// <summary>Lists the session of <paramref name="principal"/> as signed out until <paramref name="validUntil"/>, on disk before it returns.</summary>
    public void End(ClaimsPrincipal principal, DateTimeOffset validUntil)
    {
        if (principal.FindFirst(ClaimType)?.Value is not { Length: 32 } sessionId)
        {
            return;
        }

        lock (_sessions)
        {
            var now = timeProvider.GetUtcNow();
            _sessions[sessionId] = validUntil;
            foreach (var expired in _sessions.Where(session => session.Value <= now).Select(session => session.Key).ToList())
            {
                _sessions.Remove(expired);
            }

            foreach (var oldest in _sessions.OrderBy(session => session.Value).Take(_sessions.Count - MaximumSessions).Select(session => session.Key).ToList())
            {
                _sessions.Remove(oldest);
            }

            if (_path is not null)
            {
                Save(_path);
            }
        }
    }

    /// <summary>Writes a new file beside the old one, flushed, and renames it over (one rename: never half a list).</summary>
    private void Save(string path)
    {
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            foreach (var (sessionId, expiry) in _sessions)
            {
                writer.Write(sessionId);
                writer.Write(' ');
                writer.WriteLine(expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            }

            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
