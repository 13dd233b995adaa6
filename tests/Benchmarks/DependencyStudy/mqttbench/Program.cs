using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Ours = MedIoT.Mqtt;

// QoS 1 drain benchmark, same method as tests/MedIoT.Mqtt.Benchmarks (ThroughputHarness.OursDrainAsync):
// the broker queues COUNT messages (201-byte payloads) for an offline persistent session, then the client under test
// connects and drains them, acknowledging each message manually. Time and GC.GetTotalAllocatedBytes(precise: true)
// from the start of the connect to the last message. Our client (gateway/MedIoT.Mqtt, by project reference) and
// MQTTnet 5.2.0.1603 take turns in one process against one mosquitto.
// Usage: dotnet run -c Release -- [count=50000] [repetitions=2]
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
Console.WriteLine($"QoS 1 drain, {count} x 201 B, {Environment.ProcessorCount} cores, .NET {Environment.Version}, GC server={System.Runtime.GCSettings.IsServerGC}");

using var broker = Bench.StartBroker();
try
{
    // warm-up (JIT), not reported
    foreach (var run in Bench.Runs)
    {
        await Bench.MeasureAsync(Bench.Port, run, 2_000, report: false);
    }

    for (var rep = 1; rep <= repetitions; rep++)
    {
        foreach (var run in Bench.Runs)
        {
            await Bench.MeasureAsync(Bench.Port, run, count, report: true, rep);
        }
    }
}
finally
{
    broker.Kill();
    broker.WaitForExit(5000);
}

internal static class Bench
{
    private static readonly byte[] s_payload = Enumerable.Repeat((byte)'x', 201).ToArray();
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(5);
    private static int s_session;

    public static readonly string[] Runs =
    [
        "MedIoT.Mqtt 3.1.1, ReadAsync + AcknowledgeAsync",
        "MQTTnet 3.1.1, handler -> channel, AcknowledgeAsync",
        "MQTTnet 3.1.1, AcknowledgeAsync inside handler",
        "MedIoT.Mqtt 5.0, ReadAsync + AcknowledgeAsync",
        "MQTTnet 5.0, handler -> channel, AcknowledgeAsync",
    ];

    public static Process StartBroker()
    {
        var dir = Directory.CreateTempSubdirectory("mqttbench-").FullName;
        var port = FreePort();
        // configs/mosquitto/mosquitto.conf limits, no disk persistence, quiet log (as the harness: no save during the run)
        File.WriteAllLines(Path.Combine(dir, "mosquitto.conf"),
        [
            $"listener {port} 127.0.0.1", "allow_anonymous true", "user root", "persistence false",
            "max_queued_messages 1000000", "max_queued_bytes 0", "max_inflight_messages 2000", "max_packet_size 262144",
            "log_dest stderr", "log_type error", "connection_messages false",
        ]);
        var psi = new ProcessStartInfo("/usr/sbin/mosquitto") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(dir, "mosquitto.conf"));
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("mosquitto: " + e.Data); };
        process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                Port = port;
                Console.WriteLine($"mosquitto pid {process.Id} port {port}");
                return process;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("mosquitto not ready");
    }

    public static int Port { get; private set; }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static async Task MeasureAsync(int port, string run, int count, bool report, int rep = 0)
    {
        var v5 = run.Contains(" 5.0", StringComparison.Ordinal);
        var clientId = $"bench-{Interlocked.Increment(ref s_session)}";
        var topic = "bench/" + clientId;
        var ours = run.StartsWith("MedIoT", StringComparison.Ordinal);

        // 1. create the persistent session with the client under test, then go offline
        if (ours)
        {
            await using var first = new Ours.MqttClient(OursOptions(port, clientId, false, v5));
            await first.ConnectAsync(CancellationToken.None);
            await first.SubscribeAsync([new Ours.MqttTopicFilter(topic, Ours.MqttQualityOfService.AtLeastOnce)], CancellationToken.None);
            await first.DisconnectAsync(CancellationToken.None);
        }
        else
        {
            using var first = new MQTTnet.MqttClientFactory().CreateMqttClient();
            using var cts = new CancellationTokenSource(s_idle);
            await first.ConnectAsync(NetOptions(port, clientId, v5), cts.Token);
            await first.SubscribeAsync(new MQTTnet.MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
            await first.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions(), cts.Token);
        }

        // 2. fill the queue (same filler for both: our client, 1000 publishes in flight, as the project's harness)
        var fillOptions = OursOptions(port, clientId + "-filler", true, false);
        fillOptions.MaximumInFlightPublishes = 1000;
        await using (var filler = new Ours.MqttClient(fillOptions))
        {
            await filler.ConnectAsync(CancellationToken.None);
            var publishes = new Task[count];
            for (var i = 0; i < count; i++)
            {
                publishes[i] = filler.PublishAsync(new Ours.MqttApplicationMessage(topic, s_payload, Ours.MqttQualityOfService.AtLeastOnce), CancellationToken.None);
            }

            await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(120));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];

        // 3. drain
        int received;
        TimeSpan elapsed;
        long allocated;
        if (ours)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            await using var client = new Ours.MqttClient(OursOptions(port, clientId, false, v5));
            await client.ConnectAsync(CancellationToken.None);
            received = 0;
            using var idle = new CancellationTokenSource();
            while (received < count)
            {
                idle.CancelAfter(s_idle);
                Ours.MqttReceivedMessage message;
                try
                {
                    message = await client.Messages.ReadAsync(idle.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                await message.AcknowledgeAsync(CancellationToken.None);
                received++;
            }

            elapsed = sw.Elapsed;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        else
        {
            var inHandler = run.Contains("inside handler", StringComparison.Ordinal);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
            var channel = Channel.CreateUnbounded<MQTTnet.MqttApplicationMessageReceivedEventArgs>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var handled = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.ApplicationMessageReceivedAsync += async e =>
            {
                e.AutoAcknowledge = false;
                if (inHandler)
                {
                    await e.AcknowledgeAsync(CancellationToken.None);
                    if (Interlocked.Increment(ref handled) == count)
                    {
                        done.TrySetResult();
                    }
                }
                else
                {
                    channel.Writer.TryWrite(e);
                }
            };
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await client.ConnectAsync(NetOptions(port, clientId, v5), cts.Token);
            if (inHandler)
            {
                var last = -1;
                while (!done.Task.IsCompleted)
                {
                    await Task.WhenAny(done.Task, Task.Delay(s_idle));
                    var now = Volatile.Read(ref handled);
                    if (now == last)
                    {
                        break; // idle for 5 s
                    }

                    last = now;
                }

                received = Volatile.Read(ref handled);
            }
            else
            {
                received = 0;
                using var idle = new CancellationTokenSource();
                while (received < count)
                {
                    idle.CancelAfter(s_idle);
                    MQTTnet.MqttApplicationMessageReceivedEventArgs e;
                    try
                    {
                        e = await channel.Reader.ReadAsync(idle.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    await e.AcknowledgeAsync(CancellationToken.None);
                    received++;
                }
            }

            elapsed = sw.Elapsed;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            // give the last PUBACKs time to leave before the socket is reset by the default linger option
            await Task.Delay(500);
            await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions(), cts.Token);
        }

        if (report)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rep {rep} | load {load} | {run}: {received}/{count} in {elapsed.TotalSeconds:0.000} s = {received / elapsed.TotalSeconds:0} msg/s, {(double)allocated / Math.Max(1, received):0} B allocated/message"));
        }
    }

    private static Ours.MqttClientOptions OursOptions(int port, string clientId, bool clean, bool v5) => new()
    {
        ProtocolVersion = v5 ? Ours.MqttProtocolVersion.V500 : Ours.MqttProtocolVersion.V311,
        SessionExpiryInterval = v5 && !clean ? TimeSpan.FromHours(1) : TimeSpan.Zero,
        Host = "127.0.0.1",
        Port = port,
        ClientId = clientId,
        CleanSession = clean,
        AutoAcknowledge = false,
        KeepAlive = TimeSpan.FromSeconds(60),
        ReceiveBufferCapacity = 4096,
    };

    private static MQTTnet.MqttClientOptions NetOptions(int port, string clientId, bool v5)
    {
        var builder = new MQTTnet.MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(v5 ? MQTTnet.Formatter.MqttProtocolVersion.V500 : MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithCleanSession(false)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60));
        if (v5)
        {
            builder = builder.WithSessionExpiryInterval(3600);
        }

        return builder.Build();
    }
}
