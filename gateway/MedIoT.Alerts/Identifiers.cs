using System.Buffers;

namespace MedIoT.Alerts;

/// <summary>The alphabets of the identifiers the gateway accepts from its registry, its rules and its API.</summary>
internal static class Identifiers
{
    /// <summary>Ward and bed names: <c>A–Z a–z 0–9 . _ -</c> (docs/alerts.md, "Places").</summary>
    public static readonly SearchValues<char> Place = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>Staff identities: the place alphabet and <c>@</c>, so that an e-mail style login fits.</summary>
    public static readonly SearchValues<char> Staff = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-@");

    /// <summary>True when <paramref name="text"/> is 1 to <paramref name="maximumLength"/> characters of <paramref name="alphabet"/>.</summary>
    public static bool IsValid(string? text, int maximumLength, SearchValues<char> alphabet) =>
        text is { Length: > 0 } && text.Length <= maximumLength && !text.AsSpan().ContainsAnyExcept(alphabet);
}
