using System.Text.Json;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>One series of an InfluxQL answer: its tags (from <c>GROUP BY</c>), its column names and its rows.</summary>
/// <param name="Tags">The series' tags; empty without <c>GROUP BY</c>.</param>
/// <param name="Columns">The column names, <c>time</c> first.</param>
/// <param name="Rows">The rows, each cell as InfluxDB answered it (detached from the parsed document).</param>
internal sealed record InfluxSeries(IReadOnlyDictionary<string, string?> Tags, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    /// <summary>The index of <paramref name="column"/>, or -1.</summary>
    public int IndexOf(string column)
    {
        for (var index = 0; index < Columns.Count; index++)
        {
            if (Columns[index] == column)
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>The number in <paramref name="column"/> of <paramref name="row"/>; null when absent or not a number.</summary>
    public static double? Number(JsonElement[] row, int column) =>
        column >= 0 && column < row.Length && row[column].ValueKind == JsonValueKind.Number ? row[column].GetDouble() : null;

    /// <summary>The text in <paramref name="column"/> of <paramref name="row"/>; null when absent or not a string.</summary>
    public static string? Text(JsonElement[] row, int column) =>
        column >= 0 && column < row.Length && row[column].ValueKind == JsonValueKind.String ? row[column].GetString() : null;
}
