using System.Diagnostics.Metrics;

namespace MedIoT.Testing.Metrics;

/// <summary>
/// The tables of <c>docs/metrics.md</c>, held against what a service really exports, so the document cannot drift: every
/// instrument of the service's meters has a row with its Prometheus name, type, unit and meter, every row has its
/// instrument, and every family on the served page is documented, its samples carrying exactly the documented labels.
/// </summary>
public static class MetricsDocument
{
    /// <summary>The label every series carries: the meter (OpenTelemetry's instrumentation scope).</summary>
    public const string ScopeLabel = "otel_scope_name";

    /// <summary>The heading of the MQTT client's table, whose metrics the gateway and mediot-ledger both export.</summary>
    public const string MqttClientSection = "MQTT client";

    /// <summary>The rows under the headings <c>## <paramref name="sections"/></c> of docs/metrics.md.</summary>
    public static IReadOnlyList<DocumentedMetric> Read(params string[] sections)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "docs", "metrics.md"));
        var rows = new List<DocumentedMetric>();
        foreach (var section in sections)
        {
            var start = Array.FindIndex(lines, line => line.Trim() == "## " + section);
            Require(start >= 0, $"docs/metrics.md has no section '## {section}'.");
            var before = rows.Count;
            for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
            {
                if (lines[i].StartsWith("| `", StringComparison.Ordinal))
                {
                    rows.Add(DocumentedMetric.Parse(lines[i]));
                }
            }

            Require(rows.Count > before, $"docs/metrics.md, section '{section}', has no metric rows.");
        }

        return rows;
    }

    /// <summary>
    /// The instruments a service exports: those of <paramref name="hostMeters"/> created by <paramref name="hostMeterFactory"/>
    /// (the service's own, not another service's in the same test process) and those of the static <paramref name="processMeters"/>.
    /// </summary>
    public static IReadOnlyList<Instrument> Instruments(IMeterFactory hostMeterFactory, IReadOnlyCollection<string> hostMeters,
        IReadOnlyCollection<string> processMeters)
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener();
        // Start() reports every instrument that exists already; nothing is enabled, so nothing is measured.
        listener.InstrumentPublished = (instrument, _) =>
        {
            var meter = instrument.Meter;
            if ((hostMeters.Contains(meter.Name) && ReferenceEquals(meter.Scope, hostMeterFactory)) || (processMeters.Contains(meter.Name) && meter.Scope is null))
            {
                instruments.Add(instrument);
            }
        };
        listener.Start();
        return instruments;
    }

    /// <summary>
    /// Fails unless <paramref name="documented"/> and <paramref name="instruments"/> describe the same metrics and
    /// <paramref name="page"/>, served by <paramref name="service"/>, holds documented families only, each sample with
    /// exactly its documented labels (besides <see cref="ScopeLabel"/>, and <c>le</c> on histogram buckets).
    /// </summary>
    public static void AssertMatches(string service, IReadOnlyList<DocumentedMetric> documented, IReadOnlyList<Instrument> instruments, PrometheusPage page)
    {
        ArgumentNullException.ThrowIfNull(documented);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(page);
        var problems = new List<string>();
        var rows = documented.ToDictionary(row => row.Name, StringComparer.Ordinal);
        var exported = instruments.ToDictionary(PrometheusName, StringComparer.Ordinal);
        foreach (var (name, instrument) in exported)
        {
            if (!rows.TryGetValue(name, out var row))
            {
                problems.Add($"`{name}` ({instrument.Meter.Name} {instrument.Name}, {PrometheusType(instrument)}, unit '{instrument.Unit}') is exported but not documented");
                continue;
            }

            if (row.Type != PrometheusType(instrument) || row.Unit != (instrument.Unit ?? string.Empty) || row.Meter != instrument.Meter.Name)
            {
                problems.Add($"`{name}` is documented as {row.Type}, unit '{row.Unit}', meter {row.Meter}; exported as {PrometheusType(instrument)}, unit '{instrument.Unit}', meter {instrument.Meter.Name}");
            }
        }

        problems.AddRange(rows.Keys.Where(name => !exported.ContainsKey(name)).Select(name => $"`{name}` is documented but no instrument exports it"));

        foreach (var family in page.Families)
        {
            if (family.Name == "target_info")
            {
                if (!family.Samples.Any(sample => sample.Labels.GetValueOrDefault("service_name") == service))
                {
                    problems.Add($"target_info does not name the service {service}");
                }

                continue;
            }

            var name = family.Type == "counter" ? family.Name + "_total" : family.Name;
            if (!rows.TryGetValue(name, out var row))
            {
                problems.Add($"the page has `{name}` ({family.Type}), which is not documented");
                continue;
            }

            if (row.Type != family.Type)
            {
                problems.Add($"the page has `{name}` as {family.Type}; documented as {row.Type}");
            }

            foreach (var sample in family.Samples)
            {
                if (sample.Labels.GetValueOrDefault(ScopeLabel) != row.Meter)
                {
                    problems.Add($"`{sample.Name}` has {ScopeLabel}='{sample.Labels.GetValueOrDefault(ScopeLabel)}'; documented meter {row.Meter}");
                }

                var undocumented = sample.Labels.Keys.Where(label => label is not ScopeLabel && !(label == "le" && row.Type == "histogram") && !row.Labels.Contains(label));
                problems.AddRange(undocumented.Select(label => $"`{sample.Name}` has the label '{label}', which is not documented"));
                problems.AddRange(row.Labels.Where(label => !sample.Labels.ContainsKey(label))
                    .Select(label => $"`{sample.Name}` lacks the documented label '{label}'"));
            }
        }

        Require(problems.Count == 0, $"docs/metrics.md and what {service} exports differ:\n" + string.Join("\n", problems.Distinct()));
    }

    /// <summary>
    /// The name OpenTelemetry's Prometheus exporter gives an instrument: dots become underscores, the unit <c>s</c> adds
    /// <c>_seconds</c> (annotations such as <c>{frame}</c> add nothing), and a counter ends in <c>_total</c>.
    /// </summary>
    public static string PrometheusName(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var unit = instrument.Unit switch
        {
            null or "" => string.Empty,
            ['{', .., '}'] => string.Empty,
            "s" => "_seconds",
            var other => throw new InvalidOperationException($"{instrument.Name}: no Prometheus suffix is known here for the unit '{other}'; use s or an annotation such as {{frame}}."),
        };
        return instrument.Name.Replace('.', '_') + unit + (PrometheusType(instrument) == "counter" ? "_total" : string.Empty);
    }

    /// <summary>The Prometheus type of an instrument: counters stay counters, histograms histograms, everything else is a gauge.</summary>
    public static string PrometheusType(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var kind = instrument.GetType().GetGenericTypeDefinition();
        return kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>) ? "counter"
            : kind == typeof(Histogram<>) ? "histogram"
            : "gauge";
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException(message);
        }
    }
}

/// <summary>One row of docs/metrics.md: <c>| `name` | type | `unit` | `label`, `label` | `Meter` | meaning |</c> (— for none).</summary>
public sealed record DocumentedMetric(string Name, string Type, string Unit, IReadOnlyList<string> Labels, string Meter)
{
    /// <summary>Reads a table row.</summary>
    /// <exception cref="InvalidDataException">The row does not have the six cells.</exception>
    public static DocumentedMetric Parse(string row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var cells = row.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
        if (cells.Length != 6)
        {
            throw new InvalidDataException($"docs/metrics.md: a metric row has six cells (metric, type, unit, labels, meter, meaning): {row}");
        }

        static string Code(string cell) => cell == "—" ? string.Empty : cell.Trim('`');
        var labels = cells[3] == "—" ? [] : cells[3].Split(',').Select(label => Code(label.Trim())).ToArray();
        return new DocumentedMetric(Code(cells[0]), cells[1], Code(cells[2]), labels, Code(cells[4]));
    }
}
