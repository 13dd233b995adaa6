using System.Globalization;
using MedIoT.Gateway.LoadTest;

// dotnet run --project tests/Benchmarks/MedIoT.Gateway.LoadTest -c Release -- --devices 100 --rate 10000 --seconds 20
var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--devices"] = "100",
    ["--rate"] = "10000",
    ["--seconds"] = "20",
    ["--warmup-seconds"] = "3",
    ["--memory-log-seconds"] = "0",
    ["--stations"] = "0",
    ["--alarm-period-seconds"] = "0",
};
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!options.ContainsKey(args[i]))
    {
        await Console.Error.WriteLineAsync($"unknown option {args[i]}; options: {string.Join(", ", options.Keys)}");
        return 2;
    }

    options[args[i]] = args[i + 1];
}

int Number(string name) => int.Parse(options[name], NumberStyles.None, CultureInfo.InvariantCulture);
var settings = new LoadSettings(Number("--devices"), Number("--rate"), Number("--seconds"), Number("--warmup-seconds"), Number("--memory-log-seconds"),
    Number("--stations"), Number("--alarm-period-seconds"));
var result = await LoadRun.RunAsync(settings, Console.Out);
await Console.Out.WriteLineAsync(result.Format(settings));
return 0;
