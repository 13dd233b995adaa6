using System.Text;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Quoting for InfluxQL (InfluxDB 1.x "InfluxQL reference", Identifiers and Literals): an identifier in double quotes
/// and a string literal in single quotes, each with its quote and the backslash escaped by a backslash. Values from
/// outside are validated before they get here (ward and bed ids); they are quoted all the same, so a query never
/// depends on that validation to stay one query.
/// </summary>
internal static class InfluxQl
{
    /// <summary><paramref name="name"/> as a double-quoted identifier.</summary>
    public static string Identifier(string name) => Quote(name, '"');

    /// <summary><paramref name="text"/> as a single-quoted string literal.</summary>
    public static string StringLiteral(string text) => Quote(text, '\'');

    /// <summary>A time as an InfluxQL time literal: integer nanoseconds since the Unix epoch.</summary>
    public static string Time(DateTimeOffset time) =>
        ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Quote(string text, char quote)
    {
        ArgumentNullException.ThrowIfNull(text);
        var quoted = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var character in text)
        {
            if (character == quote || character == '\\')
            {
                quoted.Append('\\');
            }

            // A line break would end the statement in the query string; no id of ours has one, and none reaches the query.
            quoted.Append(character is '\n' or '\r' ? ' ' : character);
        }

        return quoted.Append(quote).ToString();
    }
}
