using System.Text.Json;
using MedIoT.Alerts;
using MedIoT.Alerts.News2;
using MedIoT.Gateway.Alerts.Delivery;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// A bed's NEWS2 as JSON (docs/alerts.md §7, <c>GET /beds/{ward}/{bed}/news2</c>; also the station's bed view): the
/// score and band from fresh parameters, each parameter's score with its source and time, and the missing ones.
/// </summary>
internal static class News2Json
{
    /// <summary>Writes the NEWS2 of <paramref name="bed"/> at <paramref name="at"/> (null: nothing known about the bed).</summary>
    public static void Write(Utf8JsonWriter writer, BedLocation bed, News2Assessment? assessment, DateTimeOffset at)
    {
        writer.WriteStartObject();
        writer.WriteString("ward", bed.Ward.ToString());
        writer.WriteString("bed", bed.Bed.ToString());
        writer.WriteString("at", AlarmJson.Time(at));
        if (assessment is null)
        {
            writer.WriteNull("score");
            writer.WriteNull("band");
            writer.WriteStartArray("missing");
            foreach (var parameter in Enum.GetValues<News2Parameter>())
            {
                writer.WriteStringValue(Camel(parameter.ToString()));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            return;
        }

        // The score covers fresh parameters only; a missing one counts 0, so the score is a lower bound (docs/alerts.md §2).
        writer.WriteNumber("score", assessment.AggregateScore);
        writer.WriteString("band", Camel(assessment.Band.ToString()));
        writer.WriteBoolean("singleParameterScoreOfThree", assessment.HasSingleParameterScoreOfThree);
        writer.WriteBoolean("complete", assessment.IsComplete);
        writer.WriteNumber("spo2Scale", (int)assessment.Scale);
        if (assessment.ScaleSetBy is { } setBy)
        {
            writer.WriteString("spo2ScaleSetBy", setBy);
        }

        writer.WriteStartArray("parameters");
        foreach (var parameter in Enum.GetValues<News2Parameter>())
        {
            if (assessment.ScoreOf(parameter) is not { } score)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("parameter", Camel(parameter.ToString()));
            writer.WriteNumber("score", score);
            writer.WriteString("source", assessment.SourceOf(parameter));
            writer.WriteString("at", assessment.TimeOf(parameter) is { } parameterAt ? AlarmJson.Time(parameterAt) : null);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("missing");
        foreach (var parameter in assessment.MissingParameters)
        {
            writer.WriteStringValue(Camel(parameter.ToString()));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A name in camelCase, as JSON members and values are spelled here.</summary>
    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
