using System.Globalization;
using System.Net;
using System.Text.Json;

namespace MedIoT.Testing.Metrics;

/// <summary>
/// A <c>GET /metrics</c> page as the real Prometheus tools read it: <c>promtool check metrics</c> (Debian's
/// <c>prometheus</c> package) must find nothing wrong with it, and <c>prometheus_client</c>'s text-format parser
/// (Debian's <c>python3-prometheus-client</c>) turns it into the families and samples the tests assert on.
/// </summary>
public sealed class PrometheusPage
{
    /// <summary>Debian's interpreter, where <c>python3-prometheus-client</c> installs the parser (a python3 earlier on PATH may lack it).</summary>
    private const string Python = "/usr/bin/python3";

    // Prints the families as JSON; values as text, since the format allows NaN and +Inf and JSON does not.
    private const string ParserScript = """
        import json, sys
        try:
            from prometheus_client.parser import text_string_to_metric_families
        except ImportError:
            sys.exit(3)
        families = [{"name": f.name, "type": f.type, "help": f.documentation,
                     "samples": [{"name": s.name, "labels": s.labels, "value": repr(float(s.value))} for s in f.samples]}
                    for f in text_string_to_metric_families(sys.stdin.read())]
        print(json.dumps(families))
        """;

    private PrometheusPage(string text, IReadOnlyList<PrometheusFamily> families)
    {
        Text = text;
        Families = families;
    }

    /// <summary>The page as served.</summary>
    public string Text { get; }

    /// <summary>The metric families, as the parser read them (a counter's family name has no <c>_total</c>; its samples do).</summary>
    public IReadOnlyList<PrometheusFamily> Families { get; }

    /// <summary>Every sample of every family.</summary>
    public IEnumerable<PrometheusSample> Samples => Families.SelectMany(family => family.Samples);

    /// <summary>GETs <paramref name="url"/>, checks the answer is a Prometheus 0.0.4 text page, and reads it.</summary>
    public static async Task<PrometheusPage> ReadAsync(HttpClient http, Uri url)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(url).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var contentType = response.Content.Headers.ContentType;
        Require(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {text}");
        Require(contentType is { MediaType: "text/plain" } && contentType.Parameters.Any(parameter => parameter is { Name: "version", Value: "0.0.4" }),
            $"GET {url}: Content-Type {contentType}, expected the Prometheus text format (text/plain; version=0.0.4)");
        return await ParseAsync(text).ConfigureAwait(false);
    }

    /// <summary>Checks <paramref name="text"/> with promtool and parses it with prometheus_client.</summary>
    /// <exception cref="InvalidOperationException">promtool or the Python parser is not installed; the message says how to install it.</exception>
    public static async Task<PrometheusPage> ParseAsync(string text)
    {
        var promtool = ServerBinary.Require("promtool", "prometheus");
        var check = await CommandLine.RunAsync(promtool, ["check", "metrics"], standardInput: text).ConfigureAwait(false);
        Require(check.ExitCode == 0 && check.Output.Length == 0 && check.Error.Length == 0,
            $"promtool check metrics found problems with the page:\n{check.Describe()}\nThe page:\n{text}");

        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing. Install it with 'sudo apt-get install python3 python3-prometheus-client', or run configs/install.sh.");
        }

        var parsed = await CommandLine.RunAsync(Python, ["-c", ParserScript], standardInput: text).ConfigureAwait(false);
        if (parsed.ExitCode == 3)
        {
            throw new InvalidOperationException(
                "The Prometheus text-format parser is not installed. Install it with 'sudo apt-get install python3-prometheus-client', " +
                "or run configs/install.sh, which installs everything the tests need.");
        }

        Require(parsed.ExitCode == 0, $"prometheus_client could not parse the page:\n{parsed.Describe()}\nThe page:\n{text}");
        using var json = JsonDocument.Parse(parsed.Output);
        var families = json.RootElement.EnumerateArray().Select(family => new PrometheusFamily(
            family.GetProperty("name").GetString()!,
            family.GetProperty("type").GetString()!,
            family.GetProperty("help").GetString() ?? string.Empty,
            [.. family.GetProperty("samples").EnumerateArray().Select(sample => new PrometheusSample(
                sample.GetProperty("name").GetString()!,
                sample.GetProperty("labels").EnumerateObject().ToDictionary(label => label.Name, label => label.Value.GetString()!, StringComparer.Ordinal),
                ParseValue(sample.GetProperty("value").GetString()!)))])).ToList();
        return new PrometheusPage(text, families);
    }

    /// <summary>
    /// The value of the one sample named <paramref name="sampleName"/> whose labels include <paramref name="labels"/>
    /// (other labels, such as <c>otel_scope_name</c>, may be there too); fails when there is none or more than one.
    /// </summary>
    public double Value(string sampleName, params (string Name, string Value)[] labels)
    {
        var matches = Matching(sampleName, labels).ToList();
        Require(matches.Count == 1,
            $"Expected one sample {sampleName}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}, found {matches.Count}. The page:\n{Text}");
        return matches[0].Value;
    }

    /// <summary>Whether a sample named <paramref name="sampleName"/> with <paramref name="labels"/> is on the page.</summary>
    public bool Has(string sampleName, params (string Name, string Value)[] labels) => Matching(sampleName, labels).Any();

    private IEnumerable<PrometheusSample> Matching(string sampleName, (string Name, string Value)[] labels) =>
        Samples.Where(sample => sample.Name == sampleName
            && labels.All(label => sample.Labels.TryGetValue(label.Name, out var value) && value == label.Value));

    /// <summary>A page that is not what the tests expect: the test fails with <paramref name="message"/>.</summary>
    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException(message);
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}

/// <summary>One metric family of a page: its name, its type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>...), its help and samples.</summary>
public sealed record PrometheusFamily(string Name, string Type, string Help, IReadOnlyList<PrometheusSample> Samples);

/// <summary>One sample: its name (with <c>_total</c>, <c>_bucket</c>, <c>_sum</c>, <c>_count</c>), its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
