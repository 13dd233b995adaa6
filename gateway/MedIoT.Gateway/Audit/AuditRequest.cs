using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MedIoT.Gateway.Audit;

/// <summary>
/// What to audit (<c>MedIoT.Gateway audit --from TIME --to TIME [--ward W] [--bed B] [--device D]
/// [--bundle-for JOURNAL_INDEX] [--bundle-out FILE]</c>); times are ISO 8601 with an offset or <c>Z</c>.
/// </summary>
internal sealed partial record AuditRequest(DateTimeOffset From, DateTimeOffset To, string? Ward, string? Bed, string? Device, long? BundleFor, string? BundleOut)
{
    public const string Usage =
        "usage: MedIoT.Gateway audit --from 2026-11-21T00:00:00Z --to 2026-11-22T00:00:00Z [--ward W] [--bed B] [--device D] " +
        "[--bundle-for JOURNAL_INDEX] [--bundle-out FILE] [--settings gateway.json]";

    /// <summary>Parses the audit's own options; other arguments (settings) are left to the configuration.</summary>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out AuditRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--from" or "--to" or "--ward" or "--bed" or "--device" or "--bundle-for" or "--bundle-out")
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{args[i]} needs a value";
                    return false;
                }

                values[args[i]] = args[++i];
            }
        }

        if (!values.TryGetValue("--from", out var fromText) || !values.TryGetValue("--to", out var toText))
        {
            error = "--from and --to are required";
            return false;
        }

        if (!DateTimeOffset.TryParse(fromText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from)
            || !DateTimeOffset.TryParse(toText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to) || to < from)
        {
            error = "--from and --to must be ISO 8601 times, --from not after --to";
            return false;
        }

        foreach (var name in new[] { "--ward", "--bed", "--device" })
        {
            // Tag values go into an InfluxQL string literal: only the registry's characters are allowed.
            if (values.TryGetValue(name, out var value) && !TagValue().IsMatch(value))
            {
                error = $"{name} must be 1-64 of A-Z a-z 0-9 . _ -";
                return false;
            }
        }

        long? bundleFor = null;
        if (values.TryGetValue("--bundle-for", out var indexText))
        {
            if (!long.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                error = "--bundle-for must be a journal index (the point's 'journal' field)";
                return false;
            }

            bundleFor = index;
        }

        request = new AuditRequest(from, to, values.GetValueOrDefault("--ward"), values.GetValueOrDefault("--bed"), values.GetValueOrDefault("--device"),
            bundleFor, values.GetValueOrDefault("--bundle-out"));
        error = null;
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex TagValue();
}
