using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Ingestion;
using MedIoT.Mqtt;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Usage (docs/benchmarks/alerts.md):
//   mediot-alerts-load [seconds=30] [background frames/s=3400] [probe beds=4]
// Starts mosquitto, influxd and the gateway (in process, real clock), loads it with signed frames from 32 oximeters
// at the given rate, and meanwhile measures, on probe beds, the time from a device publishing a frame whose systolic
// pressure crosses the 91 mmHg limit (persistence 0 s) to a station receiving the alarm event (raised, then resolved
// by a normal value), and the gateway's own frame-to-publish histogram for the same alarms. Bounded: it runs for the
// given seconds, then prints the numbers and exits (exit code 1 if an alarm did not arrive within 5 s).
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3400;
var probeBeds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4;
const int BackgroundBeds = 32;

using var folder = TemporaryDirectory.Create("alerts-load");
await using var mosquitto = await MosquittoServer.StartAsync();
await using var influx = await InfluxServer.StartAsync();
// The shipped broker access control: devices and the gateway with their own accounts; the probes' echo topics (a broker
// round trip to subtract) are the harness's own grant, and its station uses the fixture's test account.
var devices = WardProvisioner.Provision(folder.Path, "7A", BackgroundBeds + probeBeds, serviceAccounts: [BrokerAccounts.Gateway]);
await mosquitto.AddAccountsAsync(folder.Combine(BrokerAccounts.PasswordFileName));
await mosquitto.AddAclAsync(["pattern write load/echo/#"]);

var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Gateway:GatewayId"] = "gw-load",
    ["Gateway:DeviceRegistryPath"] = folder.Combine(WardProvisioner.RegistryFileName),
    ["Gateway:Mqtt:Port"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
    ["Gateway:Mqtt:PasswordFile"] = BrokerAccounts.ServicePasswordPath(folder.Path, BrokerAccounts.Gateway),
    ["Gateway:Influx:Url"] = influx.BaseAddress.ToString(),
    ["Gateway:Influx:Database"] = "mediot_load",
    ["Gateway:Http:Enabled"] = "false",
    ["Gateway:Journal:Folder"] = folder.Combine("state", "journal"),
    ["Gateway:Identity:KeyFile"] = folder.Combine("state", "identity", "gateway-key.jwk"),
    ["Gateway:Serial:StateFolder"] = folder.Combine("state", "serial"),
    ["Gateway:Alerts:OutboxFolder"] = folder.Combine("state", "alerts-outbox"),
}));
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
using var host = builder.Build();
await host.StartAsync();
var ingestion = host.Services.GetRequiredService<IngestionStatistics>();
var alerts = host.Services.GetRequiredService<AlarmStatistics>();
var feed = host.Services.GetRequiredService<AlarmFeed>();
await ingestion.WaitUntilAsync(s => s.Subscriptions >= 1, TimeSpan.FromSeconds(30));
await alerts.WaitUntilAsync(s => s.MqttConnections >= 1, TimeSpan.FromSeconds(30));

// The station: every bed's alarm events of ward 7A.
var waiting = new ConcurrentDictionary<string, (string Event, TaskCompletionSource<long> Arrived)>(StringComparer.Ordinal);
await using var station = new MqttClient(new MqttClientOptions
{
    TimeProvider = TimeProvider.System, Host = mosquitto.Host, Port = mosquitto.Port, ClientId = "load-station",
    Username = mosquitto.TestAccount!.Username, Password = mosquitto.TestAccount.Password,
});
await station.ConnectAsync(CancellationToken.None);
await station.SubscribeAsync(
    [new MqttTopicFilter("mediot/v1/alerts/7A/+/events", MqttQualityOfService.AtLeastOnce), new MqttTopicFilter("load/echo/+", MqttQualityOfService.AtLeastOnce)],
    CancellationToken.None);
var stationLoop = Task.Run(async () =>
{
    await foreach (var message in station.Messages.ReadAllAsync())
    {
        var arrived = Stopwatch.GetTimestamp();
        if (message.Topic.StartsWith("load/echo/", StringComparison.Ordinal))
        {
            // A bare broker pass (device -> broker -> station), for comparison: the alarm path makes two of them.
            if (waiting.TryGetValue(message.Topic, out var echo))
            {
                echo.Arrived.TrySetResult(arrived);
            }

            continue;
        }

        using var document = JsonDocument.Parse(message.Payload);
        var alarm = document.RootElement.GetProperty("alarm");
        var bed = alarm.GetProperty("bed").GetString()!;
        if (alarm.GetProperty("condition").GetString() == "vital-below/150021" &&
            waiting.TryGetValue(bed, out var expected) && expected.Event == document.RootElement.GetProperty("event").GetString())
        {
            expected.Arrived.TrySetResult(arrived);
        }
    }
});

// Background: pre-signed normal frames (SpO2 97 %, pulse 75 /min), so signing costs nothing while measuring.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signing {rate * seconds} background frames ..."));
var perDevice = (int)Math.Ceiling((double)rate * seconds / BackgroundBeds);
var background = new List<(SimulatedDevice Device, byte[][] Frames)>();
foreach (var device in devices.Take(BackgroundBeds))
{
    using var key = PrivateKeyFile.Read(device.PrivateKeyPath);
    var nanoseconds = (TimeProvider.System.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
    var frames = new byte[perDevice][];
    for (var i = 0; i < perDevice; i++)
    {
        frames[i] = JwsFrameEncoder.Encode(new DeviceFrame(device.DeviceId, i + 1,
            [new Observation(MdcCodes.OxygenSaturation, 97, "%", nanoseconds), new Observation(MdcCodes.PulseRateOximeter, 75, "/min", nanoseconds)]), key);
    }

    background.Add((await SimulatedDevice.ConnectAsync(device, mosquitto.Host, mosquitto.Port, TimeProvider.System, null, CancellationToken.None), frames));
}

var probes = new List<(ProvisionedDevice Device, SimulatedDevice Connection, Ed25519PrivateKey Key)>();
foreach (var device in devices.Skip(BackgroundBeds))
{
    probes.Add((device, await SimulatedDevice.ConnectAsync(device, mosquitto.Host, mosquitto.Port, TimeProvider.System, null, CancellationToken.None),
        PrivateKeyFile.Read(device.PrivateKeyPath)));
}

// The gateway's own measure: hand-over by ingestion (after signature verification) to the broker's PUBACK of the event.
var inGateway = new ConcurrentBag<double>();
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, meterListener) =>
{
    if (instrument.Name == AlarmStatistics.FrameToPublishInstrument)
    {
        meterListener.EnableMeasurementEvents(instrument);
    }
};
// The histogram records seconds; the harness reports milliseconds.
listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => inGateway.Add(seconds * 1000));
listener.Start();

var acceptedBefore = ingestion.Accepted;
var clock = Stopwatch.StartNew();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var maxPending = 0;
var sampler = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
    while (await timer.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
    {
        maxPending = Math.Max(maxPending, feed.Pending);
    }
});

// Each background device keeps to its share of the rate, checking every 10 ms.
var load = background.Select(entry => Task.Run(async () =>
{
    var sent = 0;
    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
    while (!stop.IsCancellationRequested && sent < entry.Frames.Length)
    {
        var due = Math.Min(entry.Frames.Length, (int)(clock.Elapsed.TotalSeconds * rate / BackgroundBeds));
        while (sent < due)
        {
            await entry.Device.PublishRawAsync(entry.Frames[sent++], CancellationToken.None);
        }

        await timer.WaitForNextTickAsync(CancellationToken.None);
    }
})).ToList();

var raisedLatencies = new ConcurrentBag<double>();
var resolvedLatencies = new ConcurrentBag<double>();
var brokerPasses = new ConcurrentBag<double>();
var timeouts = 0;
var probing = probes.Select(probe => Task.Run(async () =>
{
    var sequence = 0L;
    while (!stop.IsCancellationRequested)
    {
        foreach (var (systolic, kind, latencies) in new[] { (80.0, "raised", raisedLatencies), (120.0, "resolved", resolvedLatencies) })
        {
            var nanoseconds = (TimeProvider.System.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
            var frame = JwsFrameEncoder.Encode(
                new DeviceFrame(probe.Device.DeviceId, ++sequence, [new Observation(MdcCodes.NoninvasiveSystolic, systolic, "mm[Hg]", nanoseconds)]), probe.Key);
            var arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting[probe.Device.Bed] = (kind, arrived);
            var sentAt = Stopwatch.GetTimestamp();
            await probe.Connection.PublishRawAsync(frame, CancellationToken.None);
            try
            {
                var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(5));
                latencies.Add(Stopwatch.GetElapsedTime(sentAt, at).TotalMilliseconds);
            }
            catch (TimeoutException)
            {
                Interlocked.Increment(ref timeouts);
            }
        }

        var echoed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echoTopic = "load/echo/" + probe.Device.Bed;
        waiting[echoTopic] = ("echo", echoed);
        var echoSentAt = Stopwatch.GetTimestamp();
        await probe.Connection.PublishRawAsync(new byte[300], CancellationToken.None, echoTopic);
        if (await Task.WhenAny(echoed.Task, Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System)) == echoed.Task)
        {
            brokerPasses.Add(Stopwatch.GetElapsedTime(echoSentAt, await echoed.Task).TotalMilliseconds);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
    }
})).ToList();

await Task.WhenAll(load.Concat(probing));
var elapsed = clock.Elapsed.TotalSeconds;
await sampler;
var accepted = ingestion.Accepted - acceptedBefore;

static string Describe(string name, ConcurrentBag<double> values)
{
    var sorted = values.Order().ToArray();
    double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    return string.Create(CultureInfo.InvariantCulture,
        $"{name,-9} n={sorted.Length,5}  p50={At(0.50),7:F1} ms  p90={At(0.90),7:F1} ms  p99={At(0.99),7:F1} ms  max={(sorted.Length == 0 ? double.NaN : sorted[^1]),7:F1} ms");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"load: {accepted} frames accepted in {elapsed:F1} s = {accepted / elapsed:F0} frames/s (target {rate}); alert feed max pending {maxPending}, refused {alerts.FeedRefused}"));
Console.WriteLine(Describe("raised", raisedLatencies));
Console.WriteLine(Describe("resolved", resolvedLatencies));
var all = new ConcurrentBag<double>(raisedLatencies.Concat(resolvedLatencies));
Console.WriteLine(Describe("all", all));
Console.WriteLine(Describe("gateway", inGateway) + "  (inside the gateway: frame handed to alerts -> event acknowledged by the broker)");
Console.WriteLine(Describe("broker", brokerPasses) + "  (one bare pass device -> broker -> station, for comparison)");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timeouts (no alarm within 5 s): {timeouts}; alarm events {alerts.AlarmEvents}, published {alerts.MqttPublished}"));

foreach (var (device, _) in background)
{
    await device.DisposeAsync();
}

foreach (var probe in probes)
{
    await probe.Connection.DisposeAsync();
    probe.Key.Dispose();
}

await station.DisposeAsync();
await stationLoop;
await host.StopAsync();
return timeouts == 0 ? 0 : 1;
