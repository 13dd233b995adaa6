using System.Diagnostics;
using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Benchmarks;

/// <summary>
/// Receive throughput through a private mosquitto on loopback: our client next to mosquitto_sub, same
/// broker, same messages (201-byte payloads, as a device frame), in the same run.
/// QoS 0 live: mosquitto_pub streams the messages (-l) while the subscriber reads, so the publisher and the broker
/// share the 2 cores with the subscriber and set the pace. Drain (QoS 0 and QoS 1): the broker holds the messages
/// queued for an offline persistent session (QoS 0 too, with queue_qos0_messages), then the subscriber connects and
/// drains them, acknowledging each QoS 1 message (ours manually, with <see cref="MqttReceivedMessage.AcknowledgeAsync"/>):
/// this measures the receiving client and the broker's sending side only.
/// </summary>
internal static class ThroughputHarness
{
    public const int PayloadBytes = 201;
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(double scale)
    {
        var qos0Count = (int)(200_000 * scale);
        var qos1Count = (int)(100_000 * scale);
        Console.WriteLine($"MQTT receive throughput, {PayloadBytes}-byte payloads, mosquitto on loopback, {Environment.ProcessorCount} cores, load average {LoadAverage()}");

        // Saving is left out here (autosave hourly) so the rows measure the clients; the project's broker configuration
        // (configs/mosquitto, a save every second) is measured last.
        await using (var server = await MosquittoServer.StartAsync(["autosave_on_changes false", "autosave_interval 3600", "queue_qos0_messages true"]).ConfigureAwait(false))
        {
            using var lines = TemporaryDirectory.Create("mqtt-bench");
            var input = lines.Combine("messages.txt");
            await WriteMessagesAsync(input, qos0Count).ConfigureAwait(false);

            Report("QoS 0, MedIoT.Mqtt MqttClient", await OursQos0Async(server, input, qos0Count, MqttProtocolVersion.V311).ConfigureAwait(false));
            Report("QoS 0, MedIoT.Mqtt MqttClient, MQTT 5", await OursQos0Async(server, input, qos0Count, MqttProtocolVersion.V500).ConfigureAwait(false));
            Report("QoS 0, mosquitto_sub", await MosquittoSubQos0Async(server, input, qos0Count).ConfigureAwait(false));
            Report("QoS 0 drain, MedIoT.Mqtt MqttClient", await OursDrainAsync(server, qos1Count, "bench-q0d", MqttProtocolVersion.V311, MqttQualityOfService.AtMostOnce).ConfigureAwait(false));
            Report("QoS 0 drain, mosquitto_sub", await MosquittoSubDrainAsync(server, qos1Count, "bench-q0dc", "0").ConfigureAwait(false));
            Report("QoS 1, MedIoT.Mqtt MqttClient, manual ack", await OursQos1Async(server, qos1Count, "bench-q1", MqttProtocolVersion.V311).ConfigureAwait(false));
            Report("QoS 1, MedIoT.Mqtt MqttClient, manual ack, MQTT 5", await OursQos1Async(server, qos1Count, "bench-q1-v5", MqttProtocolVersion.V500).ConfigureAwait(false));
            Report("QoS 1, mosquitto_sub", await MosquittoSubQos1Async(server, qos1Count).ConfigureAwait(false));
        }

        await using (var durable = await MosquittoServer.StartAsync().ConfigureAwait(false))
        {
            var count = (int)(10_000 * scale);
            Report("QoS 1, MedIoT.Mqtt MqttClient, manual ack, project broker configuration", await OursQos1Async(durable, count, "bench-durable", MqttProtocolVersion.V311).ConfigureAwait(false));
        }
    }

    private static async Task<Result> OursQos0Async(MosquittoServer server, string input, int count, MqttProtocolVersion version)
    {
        await using var client = new MqttClient(Options(server, "bench-q0", cleanSession: true, version));
        await client.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        await client.SubscribeAsync([new MqttTopicFilter("bench/q0", MqttQualityOfService.AtMostOnce)], CancellationToken.None).ConfigureAwait(false);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        using var publisher = StartTool("mosquitto_pub", server, "-t", "bench/q0", "-q", "0", "-l");
        var feeding = FeedAsync(publisher, input);
        var received = await CountAsync(client, count, acknowledge: false).ConfigureAwait(false);
        var elapsed = stopwatch.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await feeding.ConfigureAwait(false);
        await publisher.WaitForExitAsync().ConfigureAwait(false);
        return new Result(count, received, elapsed, allocated);
    }

    private static async Task<Result> MosquittoSubQos0Async(MosquittoServer server, string input, int count)
    {
        // Readiness: a retained probe, delivered first on subscribing. It is larger than stdio's buffer, so
        // mosquitto_sub writes it out at once; -C makes it exit (and flush) after the last message.
        await using (var prober = new MqttClient(Options(server, "bench-probe", cleanSession: true)))
        {
            await prober.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
            var probe = new byte[16 * 1024];
            Array.Fill(probe, (byte)'p');
            await prober.PublishAsync(new MqttApplicationMessage("bench/q0c", probe, MqttQualityOfService.AtLeastOnce, retain: true), CancellationToken.None).ConfigureAwait(false);
        }

        using var subscriber = StartTool("mosquitto_sub", server, "-t", "bench/q0c", "-q", "0", "-C", (count + 1).ToString(CultureInfo.InvariantCulture));
        var lineCounter = new LineCounter(subscriber.StandardOutput.BaseStream);
        await lineCounter.WaitForAsync(1).WaitAsync(s_idle).ConfigureAwait(false);
        var stopwatch = Stopwatch.StartNew();
        using var publisher = StartTool("mosquitto_pub", server, "-t", "bench/q0c", "-q", "0", "-l");
        var feeding = FeedAsync(publisher, input);
        var reached = await lineCounter.WaitForOrIdleAsync(1 + count, s_idle).ConfigureAwait(false);
        var elapsed = stopwatch.Elapsed;
        await feeding.ConfigureAwait(false);
        if (!subscriber.HasExited)
        {
            subscriber.Kill();
        }

        return new Result(count, reached - 1, elapsed, null);
    }

    private static Task<Result> OursQos1Async(MosquittoServer server, int count, string clientId, MqttProtocolVersion version) =>
        OursDrainAsync(server, count, clientId, version, MqttQualityOfService.AtLeastOnce);

    private static async Task<Result> OursDrainAsync(
        MosquittoServer server, int count, string clientId, MqttProtocolVersion version, MqttQualityOfService qualityOfService)
    {
        var topic = "bench/" + clientId;
        await FillQueueAsync(server, clientId, topic, count, subscribe: async () =>
        {
            await using var first = new MqttClient(Options(server, clientId, cleanSession: false, version));
            await first.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
            await first.SubscribeAsync([new MqttTopicFilter(topic, qualityOfService)], CancellationToken.None).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        await using var client = new MqttClient(Options(server, clientId, cleanSession: false, version));
        await client.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        var received = await CountAsync(client, count, acknowledge: qualityOfService != MqttQualityOfService.AtMostOnce).ConfigureAwait(false);
        var elapsed = stopwatch.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Result(count, received, elapsed, allocated);
    }

    private static Task<Result> MosquittoSubQos1Async(MosquittoServer server, int count) =>
        MosquittoSubDrainAsync(server, count, "bench-q1c", "1");

    private static async Task<Result> MosquittoSubDrainAsync(MosquittoServer server, int count, string clientId, string qualityOfService)
    {
        var topic = "bench/" + clientId;
        await FillQueueAsync(server, clientId, topic, count, subscribe: async () =>
        {
            // -E: exit once subscribed; -c: keep the session.
            using var first = StartTool("mosquitto_sub", server, "-c", "-i", clientId, "-q", qualityOfService, "-t", topic, "-E");
            await first.WaitForExitAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);

        var stopwatch = Stopwatch.StartNew();
        using var subscriber = StartTool("mosquitto_sub", server, "-c", "-i", clientId, "-q", qualityOfService, "-t", topic, "-C", count.ToString(CultureInfo.InvariantCulture));
        var lineCounter = new LineCounter(subscriber.StandardOutput.BaseStream);
        var reached = await lineCounter.WaitForOrIdleAsync(count, s_idle).ConfigureAwait(false);
        var elapsed = stopwatch.Elapsed;
        await subscriber.WaitForExitAsync().ConfigureAwait(false);
        return new Result(count, reached, elapsed, null);
    }

    /// <summary>Creates the persistent session, goes offline, and has the broker queue <paramref name="count"/> messages for it.</summary>
    private static async Task FillQueueAsync(MosquittoServer server, string clientId, string topic, int count, Func<Task> subscribe)
    {
        await subscribe().ConfigureAwait(false);
        var options = Options(server, clientId + "-filler", cleanSession: true);
        options.MaximumInFlightPublishes = 1000;
        await using var filler = new MqttClient(options);
        await filler.ConnectAsync(CancellationToken.None).ConfigureAwait(false);
        var payload = Payload();
        var publishes = new Task[count];
        for (var index = 0; index < count; index++)
        {
            publishes[index] = filler.PublishAsync(new MqttApplicationMessage(topic, payload, MqttQualityOfService.AtLeastOnce), CancellationToken.None);
        }

        await Task.WhenAll(publishes).ConfigureAwait(false);
    }

    private static async Task<int> CountAsync(MqttClient client, int count, bool acknowledge)
    {
        var received = 0;
        using var idle = new CancellationTokenSource();
        while (received < count)
        {
            idle.CancelAfter(s_idle);
            MqttReceivedMessage message;
            try
            {
                message = await client.Messages.ReadAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (acknowledge)
            {
                await message.AcknowledgeAsync(CancellationToken.None).ConfigureAwait(false);
            }

            received++;
        }

        return received;
    }

    private static MqttClientOptions Options(MosquittoServer server, string clientId, bool cleanSession, MqttProtocolVersion version = MqttProtocolVersion.V311) => new()
    {
        TimeProvider = TimeProvider.System,
        ProtocolVersion = version,
        // MQTT 5: a persistent session needs an expiry (§3.1.2.11.2).
        SessionExpiryInterval = version == MqttProtocolVersion.V500 && !cleanSession ? TimeSpan.FromHours(1) : TimeSpan.Zero,
        Host = server.Host,
        Port = server.Port,
        ClientId = clientId,
        // The broker runs the shipped access control; the fixture's test account may use the benchmark's topics.
        Username = server.TestAccount!.Username,
        Password = server.TestAccount.Password,
        CleanSession = cleanSession,
        AutoAcknowledge = false,
        KeepAlive = TimeSpan.FromSeconds(60),
        ReceiveBufferCapacity = 4096,
    };

    private static byte[] Payload()
    {
        var payload = new byte[PayloadBytes];
        Array.Fill(payload, (byte)'x');
        return payload;
    }

    private static async Task WriteMessagesAsync(string path, int count)
    {
        var line = new string('x', PayloadBytes) + "\n";
        await using var writer = new StreamWriter(path);
        for (var index = 0; index < count; index++)
        {
            await writer.WriteAsync(line).ConfigureAwait(false);
        }
    }

    private static Process StartTool(string program, MosquittoServer server, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ServerBinary.Require(program, "mosquitto-clients"))
        {
            RedirectStandardInput = program == "mosquitto_pub",
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-h");
        startInfo.ArgumentList.Add(server.Host);
        startInfo.ArgumentList.Add("-p");
        startInfo.ArgumentList.Add(server.Port.ToString(CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add("-u");
        startInfo.ArgumentList.Add(server.TestAccount!.Username);
        startInfo.ArgumentList.Add("-P");
        startInfo.ArgumentList.Add(server.TestAccount.Password);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"{program} did not start.");
    }

    private static async Task FeedAsync(Process publisher, string input)
    {
        await using (var file = File.OpenRead(input))
        {
            await file.CopyToAsync(publisher.StandardInput.BaseStream).ConfigureAwait(false);
        }

        publisher.StandardInput.Close();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static void Report(string name, Result result)
    {
        var rate = result.Received / result.Elapsed.TotalSeconds;
        var allocation = result.AllocatedBytes is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $", {(double)bytes / Math.Max(1, result.Received):0} B allocated/message (payload copy {PayloadBytes} B included)")
            : string.Empty;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {result.Received}/{result.Expected} messages in {result.Elapsed.TotalSeconds:0.000} s = {rate:0} msg/s{allocation}"));
    }

    private sealed record Result(int Expected, int Received, TimeSpan Elapsed, long? AllocatedBytes);

    /// <summary>Counts newline bytes on a tool's standard output as they arrive.</summary>
    private sealed class LineCounter
    {
        private readonly Task _reading;
        private readonly Lock _lock = new();
        private readonly List<(long Target, TaskCompletionSource Reached)> _waits = [];
        private long _lines;
        private long _lastChange = Stopwatch.GetTimestamp();

        public LineCounter(Stream output) => _reading = Task.Run(() => ReadAsync(output));

        public long Lines => Interlocked.Read(ref _lines);

        public Task WaitForAsync(long target)
        {
            lock (_lock)
            {
                if (_lines >= target)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((target, reached));
                return reached.Task;
            }
        }

        /// <summary>Waits for <paramref name="target"/> lines or until none came for <paramref name="idle"/>; returns the count.</summary>
        public async Task<int> WaitForOrIdleAsync(long target, TimeSpan idle)
        {
            var reached = WaitForAsync(target);
            while (!reached.IsCompleted)
            {
                await Task.WhenAny(reached, Task.Delay(TimeSpan.FromMilliseconds(200))).ConfigureAwait(false);
                if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastChange)) > idle || _reading.IsCompleted)
                {
                    break;
                }
            }

            return (int)Lines;
        }

        private async Task ReadAsync(Stream output)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await output.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var newLines = buffer.AsSpan(0, read).Count((byte)'\n');
                lock (_lock)
                {
                    _lines += newLines;
                    Interlocked.Exchange(ref _lastChange, Stopwatch.GetTimestamp());
                    _waits.RemoveAll(wait =>
                    {
                        if (_lines < wait.Target)
                        {
                            return false;
                        }

                        wait.Reached.TrySetResult();
                        return true;
                    });
                }
            }
        }
    }
}
