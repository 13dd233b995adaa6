using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using MedIoT.Alerts;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Alerts.Delivery.Webhooks;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Gateway.Tests.Alerts.Delivery;

/// <summary>Webhook delivery against a real HTTP receiver on loopback: signatures, the persistent outbox, retries and permanent failures.</summary>
public sealed class WebhookDeliveryTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("webhooks");
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLoggerProvider _logs = TestLogs.CreateProvider();
    private readonly AlertOptions _options = new() { RetryInitialDelayMilliseconds = 20, RetryMaximumDelayMilliseconds = 100, WebhookTimeoutSeconds = 5 };

    public void Dispose()
    {
        _meters.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Events_arrive_in_order_as_json_with_a_signature_the_receiver_verifies()
    {
        await using var receiver = new WebhookReceiver(_secret);
        var statistics = Statistics();
        using var http = new HttpClient();
        using var dispatcher = Dispatcher(receiver.Url, http, statistics, out var outbox);
        await dispatcher.StartAsync(CancellationToken.None);

        for (var id = 1; id <= 3; id++)
        {
            dispatcher.Accept(Event(id, AlarmCategory.Physiological));
        }

        // A security alarm is not for this care-team webhook.
        dispatcher.Accept(Event(4, AlarmCategory.Security));
        await statistics.WaitUntilAsync(s => s.WebhooksDelivered >= 3, s_wait);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal([1L, 2L, 3L], receiver.Received.Select(r => r.AlarmId));
        Assert.All(receiver.Received, r =>
        {
            Assert.True(r.SignatureValid);
            Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal);
            Assert.Equal("mediot.alarm-event/1", r.Json.GetProperty("schema").GetString());
            Assert.InRange(r.Timestamp, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() - 60, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 1);
        });
        Assert.Equal(3, receiver.Received.Select(r => r.DeliveryId).Distinct().Count());
        Assert.Equal(0, outbox.Count);
        _logs.Collector.AssertNoErrors();
    }

    [Fact]
    public void A_tampered_body_or_timestamp_or_secret_fails_verification()
    {
        var body = "{\"alarm\":1}"u8.ToArray();
        var signature = WebhookSignature.Compute(_secret, 1_700_000_000, body);
        Assert.True(WebhookSignature.Verify(_secret, 1_700_000_000, body, signature));
        Assert.False(WebhookSignature.Verify(_secret, 1_700_000_001, body, signature));
        Assert.False(WebhookSignature.Verify(_secret, 1_700_000_000, "{\"alarm\":2}"u8, signature));
        Assert.False(WebhookSignature.Verify(RandomNumberGenerator.GetBytes(32), 1_700_000_000, body, signature));
        Assert.False(WebhookSignature.Verify(_secret, 1_700_000_000, body, null));
        Assert.Matches("^v1=[0-9a-f]{64}$", signature);
    }

    [Fact]
    public async Task Events_pending_in_the_outbox_are_delivered_after_a_restart()
    {
        await using (var down = new WebhookReceiver(_secret, Enumerable.Repeat(503, 1000).ToArray()))
        {
            var statistics = Statistics();
            using var http = new HttpClient();
            using var first = Dispatcher(down.Url, http, statistics, out var outbox);
            await first.StartAsync(CancellationToken.None);
            first.Accept(Event(1, AlarmCategory.Physiological));
            first.Accept(Event(2, AlarmCategory.Technical));
            await statistics.WaitUntilAsync(s => s.WebhookRetries >= 2 && outbox.Count == 2, s_wait);
            await first.StopAsync(CancellationToken.None);
            Assert.Equal(0, statistics.WebhooksDelivered);
            Assert.Equal(2, outbox.Count);
        }

        // A new gateway process: the outbox folder is all that survives.
        await using var receiver = new WebhookReceiver(_secret);
        var afterRestart = Statistics();
        using var client = new HttpClient();
        using var second = Dispatcher(receiver.Url, client, afterRestart, out var reopened);
        Assert.Equal(2, reopened.Count);
        await second.StartAsync(CancellationToken.None);
        await afterRestart.WaitUntilAsync(s => s.WebhooksDelivered >= 2, s_wait);
        await second.StopAsync(CancellationToken.None);

        Assert.Equal([1L, 2L], receiver.Received.Select(r => r.AlarmId));
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        Assert.Equal(0, reopened.Count);
        Assert.Empty(Directory.GetFiles(_folder.Combine("outbox", "ward")));
    }

    [Fact]
    public async Task Status_408_and_429_are_retried_and_another_4xx_is_a_counted_logged_permanent_failure()
    {
        await using var receiver = new WebhookReceiver(_secret, 429, 408, 200, 400);
        var statistics = Statistics();
        using var http = new HttpClient();
        using var dispatcher = Dispatcher(receiver.Url, http, statistics, out var outbox);
        await dispatcher.StartAsync(CancellationToken.None);
        dispatcher.Accept(Event(1, AlarmCategory.Physiological));
        dispatcher.Accept(Event(2, AlarmCategory.Physiological));
        await statistics.WaitUntilAsync(s => s.WebhooksDelivered + s.WebhooksFailed >= 2, s_wait);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal([429, 408, 200, 400], receiver.Received.Select(r => r.AnsweredStatus));
        Assert.Equal([1L, 1L, 1L, 2L], receiver.Received.Select(r => r.AlarmId));
        Assert.Equal((1, 1, 2), (statistics.WebhooksDelivered, statistics.WebhooksFailed, statistics.WebhookRetries));
        Assert.Equal(0, outbox.Count);
        var failure = Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.WebhookDeliveryFailed);
        Assert.Contains("HTTP 400", failure.Message, StringComparison.Ordinal);
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.WebhookDeliveryRetrying);
    }

    [Fact]
    public void A_full_outbox_drops_its_oldest_entries_and_keeps_the_newest_across_a_reopen()
    {
        var outbox = new WebhookOutbox(_folder.Combine("small"), capacity: 3);
        var dropped = Enumerable.Range(1, 5).Sum(i => outbox.Append([(byte)('0' + i)]));
        Assert.Equal(2, dropped);
        Assert.Equal(3, outbox.Count);

        // A torn write left by a crash is cleaned up, never delivered.
        File.WriteAllText(_folder.Combine("small", "0000000000000000099.json.tmp"), "{");
        var reopened = new WebhookOutbox(_folder.Combine("small"), capacity: 3);
        var bodies = new List<string>();
        while (reopened.TryPeek(out var sequence, out var body))
        {
            bodies.Add(System.Text.Encoding.ASCII.GetString(body));
            reopened.Remove(sequence);
        }

        Assert.Equal(["3", "4", "5"], bodies);
        Assert.Empty(Directory.GetFiles(_folder.Combine("small")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder.Combine("small")));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_secret_file_others_can_read_a_short_secret_or_a_missing_variable_stops_the_start_without_showing_the_secret()
    {
        var path = _folder.Combine("secret");
        File.WriteAllText(path, "correct-horse-battery-staple-0123456789\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var exposed = Assert.Throws<InvalidOperationException>(() => WebhookSecret.Load(new WebhookOptions { SecretFile = path }, 0, _folder.Path));
        Assert.Contains("Gateway:Alerts:Webhooks:0:SecretFile", exposed.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", exposed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("horse", exposed.Message, StringComparison.Ordinal);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("correct-horse-battery-staple-0123456789"u8.ToArray(), WebhookSecret.Load(new WebhookOptions { SecretFile = "secret" }, 0, _folder.Path));

        File.WriteAllText(path, "short");
        var shortSecret = Assert.Throws<InvalidOperationException>(() => WebhookSecret.Load(new WebhookOptions { SecretFile = path }, 1, _folder.Path));
        Assert.Contains("shorter than 32 bytes", shortSecret.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short\"", shortSecret.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<InvalidOperationException>(() =>
            WebhookSecret.Load(new WebhookOptions { SecretEnvironmentVariable = "MEDIOT_TEST_NO_SUCH_SECRET" }, 2, _folder.Path));
        Assert.Contains("MEDIOT_TEST_NO_SUCH_SECRET", missing.Message, StringComparison.Ordinal);
    }

    private AlarmStatistics Statistics() => new(_meters.GetRequiredService<IMeterFactory>());

    private WebhookDispatcher Dispatcher(Uri url, HttpClient http, AlarmStatistics statistics, out WebhookOutbox outbox)
    {
        outbox = new WebhookOutbox(_folder.Combine("outbox", "ward"), _options.OutboxCapacity);
        var target = new WebhookTarget("ward", url, AlarmChannel.CareTeam, _secret, outbox);
        return new WebhookDispatcher([target], _options, "gw-test", http, statistics, TimeProvider.System, _logs.CreateLogger("webhooks"));
    }

    private static AlarmEvent Event(long alarmId, AlarmCategory category)
    {
        var condition = category switch
        {
            AlarmCategory.Physiological => AlarmCondition.VitalBelow(150456),
            AlarmCategory.Technical => AlarmCondition.DeviceSilent("dev-1"),
            _ => AlarmCondition.Security(Protocol.Frames.FrameRejectionReason.BadSignature, "dev-1"),
        };
        var at = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var alarm = new Alarm(alarmId, condition, BedLocation.Parse("7A", "01"), "dev-1", AlarmPriority.High, at, true, null, null, 0, null, 1);
        return new AlarmEvent(AlarmEventKind.Raised, at, alarm);
    }
}
