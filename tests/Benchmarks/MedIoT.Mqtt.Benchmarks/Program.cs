using BenchmarkDotNet.Running;
using MedIoT.Mqtt.Benchmarks;

// No argument: the throughput harness, then the BenchmarkDotNet allocation benchmark of the decoder.
// "throughput" or "decoder" runs one of them; a number after "throughput" scales the message counts.
var mode = args.Length > 0 ? args[0] : "all";
if (mode is "all" or "throughput")
{
    var scale = args.Length > 1 && double.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 1.0;
    await ThroughputHarness.RunAsync(scale).ConfigureAwait(false);
}

if (mode is "all" or "decoder")
{
    BenchmarkRunner.Run<DecoderBenchmarks>();
}
