using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MqttStudy;

// MQTTnet 5.2.0.1603 study: each claim is one sub-command. Every wait is bounded.
// Usage: dotnet run -c Release -- <ack-after-drop|puback-loss|late-ack|double-ack|unbounded|api>
var command = args.Length > 0 ? args[0] : "help";
Console.WriteLine($"# {command}  MQTTnet {typeof(MqttClientFactory).Assembly.GetName().Version}  loadavg {Broker.LoadAverage()}");
switch (command)
{
    case "ack-after-drop": await Scenarios.AckAfterDropAsync(); break;
    case "puback-loss": await Scenarios.PubackLossAsync(args.Length > 1 ? int.Parse(args[1]) : 5, args.Length > 2 ? int.Parse(args[2]) : 10); break;
    case "puback-loss2": await Scenarios.PubackLoss2Async(args.Length > 1 ? int.Parse(args[1]) : 5, args.Length > 2 ? int.Parse(args[2]) : 200); break;
    case "will": await Scenarios.WillAsync(args.Length > 1 ? int.Parse(args[1]) : 5, args.Length > 2 ? int.Parse(args[2]) : 200); break;
    case "slow-handler-disconnect": await Scenarios.SlowHandlerDisconnectAsync(); break;
    case "late-ack": await Scenarios.LateAckAsync(); break;
    case "double-ack": await Scenarios.DoubleAckAsync(); break;
    case "unbounded": await Scenarios.UnboundedAsync(args.Length > 1 ? int.Parse(args[1]) : 100_000); break;
    case "api": Scenarios.Api(); break;
    default: Console.WriteLine("commands: ack-after-drop puback-loss [rounds] [n] late-ack double-ack unbounded [count] api"); break;
}

Console.WriteLine($"# end loadavg {Broker.LoadAverage()}");

internal static class Scenarios
{
    private static readonly MqttClientFactory s_factory = new();
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);

    private static MqttClientOptions Options(int port, string clientId, bool clean, MqttProtocolVersion version, LingerOption? linger = null, ushort receiveMaximum = 0)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithProtocolVersion(version)
            .WithCleanSession(clean)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (version == MqttProtocolVersion.V500 && !clean)
        {
            builder = builder.WithSessionExpiryInterval(3600);
        }

        if (receiveMaximum != 0)
        {
            builder = builder.WithReceiveMaximum(receiveMaximum);
        }

        var options = builder.Build();
        if (linger is not null)
        {
            ((MqttClientTcpOptions)options.ChannelOptions).LingerState = linger;
        }

        return options;
    }

    private static string Describe(Exception e) => $"{e.GetType().FullName}: {e.Message}" + (e.InnerException is { } i ? $" [inner {i.GetType().FullName}: {i.Message}]" : "");

    private static string TopFrame(Exception e) => e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";

    /// <summary>A subscriber that hands every message (manual acknowledgement) to a channel.</summary>
    private static (IMqttClient Client, Channel<MqttApplicationMessageReceivedEventArgs> Messages) ManualSubscriber()
    {
        var client = s_factory.CreateMqttClient();
        var channel = Channel.CreateUnbounded<MqttApplicationMessageReceivedEventArgs>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = false;
            channel.Writer.TryWrite(e);
            return Task.CompletedTask;
        };
        return (client, channel);
    }

    private static async Task SubscribeAsync(IMqttClient client, string topic, MqttQualityOfServiceLevel qos)
    {
        using var cts = new CancellationTokenSource(s_wait);
        await client.SubscribeAsync(s_factory.CreateSubscribeOptionsBuilder().WithTopicFilter(topic, qos).Build(), cts.Token);
    }

    private static async Task PublishAsync(int port, string topic, int count, string prefix = "m")
    {
        using var publisher = s_factory.CreateMqttClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await publisher.ConnectAsync(Options(port, "publisher-" + Guid.NewGuid().ToString("N")[..6], true, MqttProtocolVersion.V311), cts.Token);
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload($"{prefix}{i}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
        }

        await publisher.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
    }

    private static async Task<List<MqttApplicationMessageReceivedEventArgs>> ReceiveAsync(Channel<MqttApplicationMessageReceivedEventArgs> channel, int count, TimeSpan idle)
    {
        var list = new List<MqttApplicationMessageReceivedEventArgs>();
        while (list.Count < count)
        {
            using var cts = new CancellationTokenSource(idle);
            try
            {
                list.Add(await channel.Reader.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return list;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (!condition() && sw.Elapsed < limit)
        {
            await Task.Delay(20);
        }
    }

    // ---------------------------------------------------------------- claim 1
    public static async Task AckAfterDropAsync()
    {
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (var mode in new[] { "DisconnectAsync", "broker SIGKILL, after client noticed", "broker SIGKILL, immediately" })
            {
                for (var round = 1; round <= 5; round++)
                {
                    using var broker = Broker.Start();
                    var (client, channel) = ManualSubscriber();
                    using var _ = client;
                    using var cts = new CancellationTokenSource(s_wait);
                    await client.ConnectAsync(Options(broker.Port, "ackdrop", true, version), cts.Token);
                    await SubscribeAsync(client, "t/ackdrop", MqttQualityOfServiceLevel.AtLeastOnce);
                    await PublishAsync(broker.Port, "t/ackdrop", 1);
                    var received = await ReceiveAsync(channel, 1, s_wait);
                    if (received.Count != 1)
                    {
                        Console.WriteLine($"{version} {mode} round {round}: no message received");
                        continue;
                    }

                    switch (mode)
                    {
                        case "DisconnectAsync":
                            await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                            break;
                        case "broker SIGKILL, after client noticed":
                            broker.Kill();
                            await WaitUntilAsync(() => !client.IsConnected, s_wait);
                            break;
                        default:
                            broker.Kill();
                            break;
                    }

                    string outcome;
                    try
                    {
                        using var ackCts = new CancellationTokenSource(s_wait);
                        await received[0].AcknowledgeAsync(ackCts.Token);
                        outcome = "no exception";
                    }
                    catch (Exception e)
                    {
                        outcome = Describe(e) + " @ " + TopFrame(e);
                    }

                    Console.WriteLine($"{version} | {mode} | round {round} | IsConnected={client.IsConnected} | AcknowledgeAsync -> {outcome}");
                }
            }
        }
    }

    // ---------------------------------------------------------------- claim 2
    public static async Task PubackLossAsync(int rounds, int n)
    {
        var variants = new (string Name, MqttProtocolVersion Version, LingerOption? Linger, int DelayMs)[]
        {
            ("3.1.1 default linger (on,0)", MqttProtocolVersion.V311, null, 0),
            ("5.0 default linger (on,0)", MqttProtocolVersion.V500, null, 0),
            ("3.1.1 linger off", MqttProtocolVersion.V311, new LingerOption(false, 0), 0),
            ("5.0 linger off", MqttProtocolVersion.V500, new LingerOption(false, 0), 0),
            ("3.1.1 default linger + 200 ms pause", MqttProtocolVersion.V311, null, 200),
        };
        using var broker = Broker.Start();
        Console.WriteLine($"broker pid {broker.Pid} port {broker.Port} log {broker.LogPath}");
        foreach (var variant in variants)
        {
            var lost = 0;
            for (var round = 1; round <= rounds; round++)
            {
                var clientId = $"pl-{(variant.Version == MqttProtocolVersion.V311 ? "311" : "5")}-{(variant.Linger is null ? "def" : "off")}-{variant.DelayMs}-{round}";
                var topic = "t/" + clientId;
                var (client, channel) = ManualSubscriber();
                using (client)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    var connect = await client.ConnectAsync(Options(broker.Port, clientId, false, variant.Version, variant.Linger), cts.Token);
                    await SubscribeAsync(client, topic, MqttQualityOfServiceLevel.AtLeastOnce);
                    await PublishAsync(broker.Port, topic, n);
                    var received = await ReceiveAsync(channel, n, s_wait);
                    foreach (var e in received)
                    {
                        await e.AcknowledgeAsync(cts.Token);
                    }

                    if (variant.DelayMs > 0)
                    {
                        await Task.Delay(variant.DelayMs);
                    }

                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                    await Task.Delay(300); // let the broker write its log lines
                    var log = broker.LogLines();
                    var pubacks = log.Count(l => l.Contains($"Received PUBACK from {clientId} "));
                    var disconnectLines = log.Where(l => l.Contains(clientId) && (l.Contains("disconnect", StringComparison.OrdinalIgnoreCase) || l.Contains("DISCONNECT"))).Select(l => l[(l.IndexOf(':') + 2)..]).ToArray();

                    // Reconnect the same session and count what the broker sends again.
                    var (again, againChannel) = ManualSubscriber();
                    using (again)
                    {
                        var reconnect = await again.ConnectAsync(Options(broker.Port, clientId, false, variant.Version), cts.Token);
                        var redelivered = await ReceiveAsync(againChannel, n, TimeSpan.FromSeconds(1.5));
                        foreach (var e in redelivered)
                        {
                            await e.AcknowledgeAsync(cts.Token);
                        }

                        await Task.Delay(100);
                        await again.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                        if (redelivered.Count > 0)
                        {
                            lost++;
                        }

                        Console.WriteLine($"{variant.Name} | round {round} | received {received.Count}/{n}, acknowledged {received.Count} | broker logged {pubacks} PUBACKs | {string.Join(" / ", disconnectLines)} | reconnect sessionPresent={reconnect.IsSessionPresent} redelivered {redelivered.Count} (dup flags: {redelivered.Count(e => e.ApplicationMessage.Dup)})");
                    }
                }
            }

            Console.WriteLine($"== {variant.Name}: rounds with redelivery (PUBACKs lost) {lost} of {rounds}");
        }
    }

    // ---------------------------------------------------------------- claim 2, harsher variants
    // ack modes: "await" = await each AcknowledgeAsync, then DisconnectAsync;
    // "fire" = start every AcknowledgeAsync without awaiting, then DisconnectAsync at once;
    // "dispose" = await each AcknowledgeAsync, then Dispose() without DisconnectAsync.
    public static async Task PubackLoss2Async(int rounds, int n)
    {
        using var broker = Broker.Start("max_inflight_messages 0");
        Console.WriteLine($"broker pid {broker.Pid} port {broker.Port} log {broker.LogPath} (max_inflight_messages 0 = unlimited)");
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (var mode in new[] { "await", "fire", "dispose" })
            {
                foreach (var linger in new LingerOption?[] { null, new LingerOption(false, 0) })
                {
                    var name = $"{(version == MqttProtocolVersion.V311 ? "3.1.1" : "5.0")} {mode} {(linger is null ? "default linger (on,0)" : "linger off")}";
                    var lostRounds = 0;
                    var lostTotal = 0;
                    for (var round = 1; round <= rounds; round++)
                    {
                        var clientId = $"pl2-{(version == MqttProtocolVersion.V311 ? "311" : "5")}-{mode}-{(linger is null ? "def" : "off")}-{round}";
                        var topic = "t/" + clientId;
                        var (client, channel) = ManualSubscriber();
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                        await client.ConnectAsync(Options(broker.Port, clientId, false, version, linger), cts.Token);
                        await SubscribeAsync(client, topic, MqttQualityOfServiceLevel.AtLeastOnce);
                        await PublishAsync(broker.Port, topic, n);
                        var received = await ReceiveAsync(channel, n, s_wait);
                        var ackErrors = 0;
                        if (mode == "fire")
                        {
                            var pending = received.Select(e => e.AcknowledgeAsync(cts.Token)).ToList();
                            await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                            foreach (var t in pending)
                            {
                                try { await t; } catch { ackErrors++; }
                            }
                        }
                        else
                        {
                            foreach (var e in received)
                            {
                                await e.AcknowledgeAsync(cts.Token);
                            }

                            if (mode == "await")
                            {
                                await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                            }
                        }

                        client.Dispose();
                        await Task.Delay(300);
                        var log = broker.LogLines();
                        var pubacks = log.Count(l => l.Contains($"Received PUBACK from {clientId} "));
                        var endLine = log.LastOrDefault(l => l.Contains(clientId) && !l.Contains("PUBACK") && !l.Contains("PUBLISH"));
                        var (again, againChannel) = ManualSubscriber();
                        using (again)
                        {
                            var reconnect = await again.ConnectAsync(Options(broker.Port, clientId, false, version), cts.Token);
                            var redelivered = await ReceiveAsync(againChannel, n, TimeSpan.FromSeconds(1.5));
                            foreach (var e in redelivered)
                            {
                                await e.AcknowledgeAsync(cts.Token);
                            }

                            await Task.Delay(100);
                            await again.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                            if (redelivered.Count > 0)
                            {
                                lostRounds++;
                                lostTotal += redelivered.Count;
                            }

                            Console.WriteLine($"{name} | round {round} | received {received.Count}/{n} | ack exceptions {ackErrors} | broker logged {pubacks} PUBACKs | last log line: {endLine?[(endLine.IndexOf(':') + 2)..]} | redelivered {redelivered.Count}");
                        }
                    }

                    Console.WriteLine($"== {name}: rounds with redelivery {lostRounds} of {rounds}, {lostTotal} messages redelivered in all");
                }
            }
        }
    }

    // ---------------------------------------------------------------- extra: is the will published after a clean DisconnectAsync?
    public static async Task WillAsync(int rounds, int n)
    {
        using var broker = Broker.Start("max_inflight_messages 0");
        Console.WriteLine($"broker pid {broker.Pid} port {broker.Port}");
        var (watcher, wills) = ManualSubscriber();
        using var _ = watcher;
        using var wcts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await watcher.ConnectAsync(Options(broker.Port, "will-watcher", true, MqttProtocolVersion.V311), wcts.Token);
        await SubscribeAsync(watcher, "gateway/status", MqttQualityOfServiceLevel.AtLeastOnce);
        foreach (var linger in new LingerOption?[] { null, new LingerOption(false, 0) })
        {
            var willRounds = 0;
            for (var round = 1; round <= rounds; round++)
            {
                var clientId = $"will-{(linger is null ? "def" : "off")}-{round}";
                var options = Options(broker.Port, clientId, true, MqttProtocolVersion.V311, linger);
                options.WillTopic = "gateway/status";
                options.WillPayload = System.Text.Encoding.UTF8.GetBytes("offline:" + clientId);
                options.WillQualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce;
                var (client, channel) = ManualSubscriber();
                using (client)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    await client.ConnectAsync(options, cts.Token);
                    await SubscribeAsync(client, "t/" + clientId, MqttQualityOfServiceLevel.AtLeastOnce);
                    if (n > 0)
                    {
                        await PublishAsync(broker.Port, "t/" + clientId, n);
                        foreach (var e in await ReceiveAsync(channel, n, s_wait))
                        {
                            await e.AcknowledgeAsync(cts.Token);
                        }
                    }

                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                }

                var got = await ReceiveAsync(wills, 1, TimeSpan.FromSeconds(1));
                foreach (var w in got)
                {
                    await w.AcknowledgeAsync(wcts.Token);
                }

                if (got.Count > 0)
                {
                    willRounds++;
                }

                Console.WriteLine($"{(linger is null ? "default linger (on,0)" : "linger off")} | round {round} | {n} messages acknowledged, then DisconnectAsync | will published: {(got.Count > 0 ? Text(got[0]) : "no")}");
            }

            Console.WriteLine($"== {(linger is null ? "default linger (on,0)" : "linger off")}: will published after a clean DisconnectAsync in {willRounds} of {rounds} rounds");
        }
    }

    // ---------------------------------------------------------------- extra: DisconnectAsync while the handler is busy
    public static async Task SlowHandlerDisconnectAsync()
    {
        using var broker = Broker.Start();
        using var client = s_factory.CreateMqttClient();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += async e =>
        {
            entered.TrySetResult();
            await Task.Delay(8000); // a handler busy for 8 s (e.g. a slow disk), bounded
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await client.ConnectAsync(Options(broker.Port, "slow", true, MqttProtocolVersion.V311), cts.Token);
        await SubscribeAsync(client, "t/slow", MqttQualityOfServiceLevel.AtLeastOnce);
        await PublishAsync(broker.Port, "t/slow", 1);
        await entered.Task.WaitAsync(s_wait);
        var sw = Stopwatch.StartNew();
        string outcome;
        try
        {
            using var two = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), two.Token);
            outcome = "returned";
        }
        catch (Exception e)
        {
            outcome = Describe(e);
        }

        Console.WriteLine($"DisconnectAsync (2 s token) while the handler is busy for 8 s: {outcome} after {sw.ElapsedMilliseconds} ms; IsConnected={client.IsConnected}");
    }

    // ---------------------------------------------------------------- claim 3
    public static async Task LateAckAsync()
    {
        using var broker = Broker.Start();
        Console.WriteLine($"broker pid {broker.Pid} port {broker.Port} log {broker.LogPath}");
        var (client, channel) = ManualSubscriber();
        using var _ = client;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Connection A: client id "conn-a", clean session; receive one message, do not acknowledge it yet.
        await client.ConnectAsync(Options(broker.Port, "conn-a", true, MqttProtocolVersion.V311), cts.Token);
        await SubscribeAsync(client, "t/a", MqttQualityOfServiceLevel.AtLeastOnce);
        await PublishAsync(broker.Port, "t/a", 1, "A-message-");
        var fromA = (await ReceiveAsync(channel, 1, s_wait)).Single();
        Console.WriteLine($"A: received '{Text(fromA)}' packet id {fromA.PacketIdentifier}, not acknowledged");
        await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);

        // Connection B, same MqttClient object: another client id with a persistent session.
        await client.ConnectAsync(Options(broker.Port, "conn-b", false, MqttProtocolVersion.V311), cts.Token);
        await SubscribeAsync(client, "t/b", MqttQualityOfServiceLevel.AtLeastOnce);
        await PublishAsync(broker.Port, "t/b", 1, "B-message-");
        var fromB = (await ReceiveAsync(channel, 1, s_wait)).Single();
        Console.WriteLine($"B: received '{Text(fromB)}' packet id {fromB.PacketIdentifier}, not acknowledged (the application has not stored it yet)");

        string outcome;
        try
        {
            await fromA.AcknowledgeAsync(cts.Token);
            outcome = "completed without exception";
        }
        catch (Exception e)
        {
            outcome = Describe(e);
        }

        Console.WriteLine($"late AcknowledgeAsync of A's message (packet id {fromA.PacketIdentifier}) while connected as B: {outcome}");
        await Task.Delay(300);

        // The application "crashes" before storing B's message: disconnect without acknowledging it.
        await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
        var (again, againChannel) = ManualSubscriber();
        using (again)
        {
            var reconnect = await again.ConnectAsync(Options(broker.Port, "conn-b", false, MqttProtocolVersion.V311), cts.Token);
            var redelivered = await ReceiveAsync(againChannel, 1, TimeSpan.FromSeconds(2));
            Console.WriteLine($"B reconnects (sessionPresent={reconnect.IsSessionPresent}): redelivered {redelivered.Count} message(s) {string.Join(",", redelivered.Select(Text))}");
            await again.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
        }

        await Task.Delay(300);
        Console.WriteLine("--- mosquitto log (PUBLISH/PUBACK/connect lines) ---");
        foreach (var line in broker.LogLines().Where(l => l.Contains("PUBACK") || l.Contains("Sending PUBLISH to conn") || l.Contains("New client connected") || l.Contains("Received DISCONNECT")))
        {
            Console.WriteLine(line);
        }
    }

    private static string Text(MqttApplicationMessageReceivedEventArgs e) => System.Text.Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray());

    // ---------------------------------------------------------------- claim 4
    public static async Task DoubleAckAsync()
    {
        using var broker = Broker.Start();
        var (client, channel) = ManualSubscriber();
        using var _ = client;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await client.ConnectAsync(Options(broker.Port, "double", true, MqttProtocolVersion.V311), cts.Token);
        await SubscribeAsync(client, "t/d", MqttQualityOfServiceLevel.AtLeastOnce);
        await PublishAsync(broker.Port, "t/d", 1);
        var e = (await ReceiveAsync(channel, 1, s_wait)).Single();
        await e.AcknowledgeAsync(cts.Token);
        Console.WriteLine("first AcknowledgeAsync: completed");
        try
        {
            await e.AcknowledgeAsync(cts.Token);
            Console.WriteLine("second AcknowledgeAsync: completed without exception");
        }
        catch (Exception ex)
        {
            Console.WriteLine($"second AcknowledgeAsync: {Describe(ex)}");
        }

        // Also: acknowledging a message that was auto-acknowledged (AutoAcknowledge left true).
        var auto = s_factory.CreateMqttClient();
        var got = new TaskCompletionSource<MqttApplicationMessageReceivedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        auto.ApplicationMessageReceivedAsync += a => { got.TrySetResult(a); return Task.CompletedTask; };
        await auto.ConnectAsync(Options(broker.Port, "double-auto", true, MqttProtocolVersion.V311), cts.Token);
        await SubscribeAsync(auto, "t/d2", MqttQualityOfServiceLevel.AtLeastOnce);
        await PublishAsync(broker.Port, "t/d2", 1);
        var a = await got.Task.WaitAsync(s_wait);
        await Task.Delay(200);
        try
        {
            await a.AcknowledgeAsync(cts.Token);
            Console.WriteLine("AcknowledgeAsync after auto-acknowledgement: completed without exception");
        }
        catch (Exception ex)
        {
            Console.WriteLine($"AcknowledgeAsync after auto-acknowledgement: {Describe(ex)}");
        }

        await auto.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
        auto.Dispose();
        await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
        await Task.Delay(200);
        Console.WriteLine("--- mosquitto PUBACK lines ---");
        foreach (var line in broker.LogLines().Where(l => l.Contains("PUBACK from double")))
        {
            Console.WriteLine(line);
        }
    }

    // ---------------------------------------------------------------- claim 5
    public static async Task UnboundedAsync(int count)
    {
        using var broker = Broker.Start();
        Console.WriteLine($"broker pid {broker.Pid} port {broker.Port}");
        var input = Path.Combine(broker.Dir, "lines.txt");
        await File.WriteAllLinesAsync(input, Enumerable.Repeat(new string('x', 201), count));

        // QoS 0: the event handler is slow (blocked on a gate); the library keeps reading from the socket.
        foreach (var (qos, autoAck, receiveMaximum) in new[] { (MqttQualityOfServiceLevel.AtMostOnce, true, (ushort)0), (MqttQualityOfServiceLevel.AtLeastOnce, true, (ushort)0), (MqttQualityOfServiceLevel.AtLeastOnce, false, (ushort)0), (MqttQualityOfServiceLevel.AtLeastOnce, false, (ushort)50) })
        {
            GC.Collect();
            var baseline = GC.GetTotalMemory(true);
            var client = s_factory.CreateMqttClient();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var handled = 0;
            var withheld = new List<MqttApplicationMessageReceivedEventArgs>();
            client.ApplicationMessageReceivedAsync += async e =>
            {
                if (!autoAck)
                {
                    // acknowledgement withheld: the handler returns at once, the application keeps the message
                    e.AutoAcknowledge = false;
                    lock (withheld) { withheld.Add(e); }
                    Interlocked.Increment(ref handled);
                    return;
                }

                await gate.Task.WaitAsync(TimeSpan.FromSeconds(60)); // slow consumer, bounded
                Interlocked.Increment(ref handled);
            };
            var topic = $"t/flood{(int)qos}{autoAck}{receiveMaximum}";
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var version = receiveMaximum != 0 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311;
            await client.ConnectAsync(Options(broker.Port, "flood-" + Guid.NewGuid().ToString("N")[..6], true, version, receiveMaximum: receiveMaximum), cts.Token);
            await SubscribeAsync(client, topic, qos);
            var psi = new ProcessStartInfo("/usr/bin/mosquitto_pub") { UseShellExecute = false, RedirectStandardInput = true };
            foreach (var a in new[] { "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-t", topic, "-q", ((int)qos).ToString(), "-l" })
            {
                psi.ArgumentList.Add(a);
            }

            var sw = Stopwatch.StartNew();
            using (var pub = Process.Start(psi)!)
            {
                await using (var file = File.OpenRead(input))
                {
                    await file.CopyToAsync(pub.StandardInput.BaseStream, cts.Token);
                }

                pub.StandardInput.Close();
                // mosquitto_pub stays up while QoS 1 messages are not acknowledged: bound the wait
                if (!pub.WaitForExit(8000))
                {
                    pub.Kill();
                }
            }

            // sample for a few seconds
            var queueField = typeof(MqttClient).GetField("_publishPacketReceiverQueue", BindingFlags.NonPublic | BindingFlags.Instance)!;
            for (var i = 0; i < 3; i++)
            {
                await Task.Delay(1000);
                var queue = queueField.GetValue(client);
                var queued = (int?)queue?.GetType().GetProperty("Count")!.GetValue(queue);
                Console.WriteLine($"QoS {(int)qos} {(autoAck ? "slow handler (gate)" : "ack withheld, handler returns")} {(receiveMaximum != 0 ? $"MQTT5 ReceiveMaximum={receiveMaximum}" : "MQTT 3.1.1")} | t={sw.Elapsed.TotalSeconds:0.0}s | internal queue {queued} | handler entered/finished {handled} | managed heap +{(GC.GetTotalMemory(false) - baseline) / 1048576.0:0.0} MiB | working set {Environment.WorkingSet / 1048576.0:0} MiB | connected {client.IsConnected}");
            }

            gate.TrySetResult();
            var drain = Stopwatch.StartNew();
            lock (withheld)
            {
                foreach (var e in withheld)
                {
                    _ = e.AcknowledgeAsync(cts.Token);
                }
            }

            await WaitUntilAsync(() => (int?)queueField.GetValue(client)?.GetType().GetProperty("Count")!.GetValue(queueField.GetValue(client)) is 0 or null, TimeSpan.FromSeconds(30));
            Console.WriteLine($"   released: queue empty after {drain.Elapsed.TotalSeconds:0.0}s, handled {handled}");
            try
            {
                using var d = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), d.Token);
            }
            catch (Exception e)
            {
                Console.WriteLine("   disconnect: " + Describe(e));
            }

            client.Dispose();
        }
    }

    // ---------------------------------------------------------------- claim 6/7
    public static void Api()
    {
        var asm = typeof(MqttClientFactory).Assembly;
        var types = asm.GetExportedTypes();
        var uses = new List<string>();
        foreach (var t in types)
        {
            foreach (var m in t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var hit = m switch
                {
                    MethodBase mb => mb.GetParameters().Any(p => p.ParameterType == typeof(TimeProvider)) || (mb is MethodInfo mi && mi.ReturnType == typeof(TimeProvider)),
                    PropertyInfo p => p.PropertyType == typeof(TimeProvider),
                    FieldInfo f => f.FieldType == typeof(TimeProvider),
                    _ => false,
                };
                if (hit)
                {
                    uses.Add($"{t.FullName}.{m.Name}");
                }
            }
        }

        Console.WriteLine($"exported types: {types.Length}; public members using System.TimeProvider: {uses.Count} {string.Join(", ", uses)}");
        var refs = asm.GetReferencedAssemblies().Select(r => r.Name).OrderBy(n => n);
        Console.WriteLine($"referenced assemblies: {string.Join(", ", refs)}");
        Console.WriteLine($"types named *Managed*/*Reconnect*: {string.Join(", ", types.Where(t => t.Name.Contains("Managed") || t.Name.Contains("Reconnect")).Select(t => t.FullName))}");
        var optionProps = typeof(MqttClientOptions).GetProperties().Select(p => p.Name).OrderBy(n => n);
        Console.WriteLine($"MqttClientOptions properties: {string.Join(", ", optionProps)}");
        Console.WriteLine($"MqttClientTcpOptions properties: {string.Join(", ", typeof(MqttClientTcpOptions).GetProperties().Select(p => p.Name + "=" + FormatDefault(p)))}");
        Console.WriteLine($"IMqttClient members: {string.Join(", ", typeof(IMqttClient).GetMembers().Select(m => m.Name).Distinct())}");
    }

    private static string FormatDefault(PropertyInfo p)
    {
        try
        {
            var v = p.GetValue(new MqttClientTcpOptions());
            return v is LingerOption l ? $"Linger(enabled={l.Enabled},{l.LingerTime}s)" : v?.ToString() ?? "null";
        }
        catch
        {
            return "?";
        }
    }
}
