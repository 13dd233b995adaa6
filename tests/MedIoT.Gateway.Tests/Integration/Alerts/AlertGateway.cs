using System.Globalization;
using System.Net.Http.Json;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Alerts.Engine;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// One gateway host of an <see cref="AlertWardFixture"/> (an <see cref="InProcessGateway"/>): everything runs on real time
/// except the alert service, which runs on <see cref="Clock"/>. Devices publish real signed frames through the broker.
/// </summary>
public sealed class AlertGateway : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private readonly AlertWardFixture _ward;
    private readonly InProcessGateway _gateway;
    private readonly Dictionary<string, SimulatedDevice> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ed25519PrivateKey> _keys = new(StringComparer.Ordinal);
    private long _framesSent;
    private long _inputsSent;
    private long _ticks;
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private Uri? _httpAddress;

    private AlertGateway(AlertWardFixture ward, InProcessGateway gateway, FakeTimeProvider clock, string topicPrefix)
    {
        _ward = ward;
        _gateway = gateway;
        Clock = clock;
        TopicPrefix = topicPrefix;
        Alerts = gateway.Service<AlarmStatistics>();
        Ingestion = gateway.Statistics;
    }

    public FakeTimeProvider Clock { get; }

    public AlarmStatistics Alerts { get; }

    public IngestionStatistics Ingestion { get; }

    public string TopicPrefix { get; }

    /// <summary>A client of the alarm API as <see cref="StaffAccounts.Monitor"/>, who sees both channels and acts on none.</summary>
    public HttpClient Http => As(StaffAccounts.Monitor);

    public FakeLogCollector Logs => _gateway.Logs;

    /// <summary>Starts a gateway whose alert service runs on <paramref name="alertClock"/>, or on <see cref="Clock"/> (a fake clock) when null.</summary>
    public static async Task<AlertGateway> StartAsync(AlertWardFixture ward, IReadOnlyDictionary<string, string> settings, TimeProvider? alertClock = null,
        Action<IServiceCollection>? moreServices = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var launcher = InProcessGateway.Launcher(
            services =>
            {
                services.AddKeyedSingleton(AlarmClock.Key, alertClock ?? clock);
                moreServices?.Invoke(services);
            },
            async started =>
            {
                await started.Service<AlarmService>().Started.WaitAsync(s_startTimeout);
                await started.Service<AlarmStatistics>().WaitUntilAsync(s => s.MqttConnections >= 1, s_startTimeout);
            });
        var host = (InProcessGateway)await ward.StartGatewayAsync(settings, launcher);
        var gateway = new AlertGateway(ward, host, clock, settings["Gateway:Alerts:TopicPrefix"]) { Origin = clock.GetUtcNow() };
        gateway._httpAddress = await host.HttpAddress;
        return gateway;
    }

    public Task<AlarmStation> ConnectStationAsync(string filter = "#") =>
        AlarmStation.ConnectAsync(_ward.Mosquitto, filter == "#" ? TopicPrefix + "/#" : TopicPrefix + "/" + filter);

    /// <summary>Publishes one signed frame for <paramref name="deviceId"/> measured at <paramref name="measuredAt"/> and waits until the alert service processed it.</summary>
    public async Task SendAsync(string deviceId, DateTimeOffset measuredAt, params (int Code, double Value)[] readings)
    {
        await PublishAsync(deviceId, measuredAt, readings);
        await WaitForFramesAsync();
    }

    /// <summary>
    /// Publishes one signed frame (with the device's status when given; with <paramref name="sequence"/>, or the device's
    /// next sequence number) without waiting for the alert service.
    /// </summary>
    public async Task PublishAsync(string deviceId, DateTimeOffset measuredAt, IReadOnlyList<(int Code, double Value)> readings, DeviceStatus? status = null, long? sequence = null)
    {
        var device = await DeviceAsync(deviceId);
        var nanoseconds = (measuredAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var observations = readings.Select(reading =>
        {
            Assert.True(MdcCodes.TryGetUnit(reading.Code, out var unit));
            return new Observation(reading.Code, reading.Value, unit, nanoseconds);
        }).ToArray();
        var frame = new DeviceFrame(deviceId, sequence ?? _ward.NextSequence(deviceId), observations, status);
        await device.PublishRawAsync(JwsFrameEncoder.Encode(frame, _keys[deviceId]), CancellationToken.None);
        _framesSent++;
    }

    public Task WaitForFramesAsync() => Alerts.WaitUntilAsync(s => s.FramesProcessed >= _framesSent, TimeSpan.FromSeconds(20));

    /// <summary>Reports a device's status as serial ingestion does, and waits until the alert service processed it.</summary>
    public async Task ReportStatusAsync(string deviceId, DeviceStatus status)
    {
        Assert.True(_gateway.Service<DeviceRegistry>().TryGet(deviceId, out var device));
        _gateway.Service<DeviceStatusEvents>().Publish(
            new DeviceStatusEvent(device, DeviceStatusEventKind.StatusChanged, status, Clock.GetUtcNow(), null));
        _inputsSent++;
        await Alerts.WaitUntilAsync(s => s.InputsProcessed >= _inputsSent, TimeSpan.FromSeconds(20));
    }

    /// <summary>
    /// Moves the alert clock on by <paramref name="time"/>. The 1 s tick timer was created at <see cref="Origin"/>, so it
    /// fires at whole seconds after it: the clock stops at each of those moments until the tick has been processed,
    /// so the engine sees exactly the tick's time.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan time)
    {
        var target = Clock.GetUtcNow() + time;
        while (Clock.GetUtcNow() < target)
        {
            var now = Clock.GetUtcNow();
            var nextTick = Origin + TimeSpan.FromSeconds(Math.Floor((now - Origin).TotalSeconds) + 1);
            if (nextTick <= target)
            {
                Clock.Advance(nextTick - now);
                _ticks++;
                await Alerts.WaitUntilAsync(s => s.Ticks >= _ticks, TimeSpan.FromSeconds(20));
            }
            else
            {
                Clock.Advance(target - now);
            }
        }
    }

    /// <summary>When the alert service's tick timer was created (the fake clock's start).</summary>
    public DateTimeOffset Origin { get; private init; }

    /// <summary>
    /// A client of the gateway's HTTP surface that authenticates as the ward's test staff member <paramref name="staffId"/>
    /// (a local API token of <see cref="StaffAccounts"/>), or with no identity at all for <see langword="null"/>.
    /// </summary>
    public HttpClient As(string? staffId)
    {
        var key = staffId ?? string.Empty;
        if (!_clients.TryGetValue(key, out var client))
        {
            client = new HttpClient { BaseAddress = _httpAddress ?? throw new InvalidOperationException("The gateway has not started.") };
            if (staffId is not null)
            {
                client.DefaultRequestHeaders.Authorization = _ward.Staff.Bearer(staffId);
            }

            _clients.Add(key, client);
        }

        return client;
    }

    /// <summary>Records staff observations over the HTTP API as <paramref name="staffId"/>.</summary>
    public async Task<HttpResponseMessage> ObserveAsync(string ward, string bed, object body, string staffId = "nurse.jones") =>
        await As(staffId).PostAsJsonAsync($"/beds/{ward}/{bed}/observations", body);

    /// <summary>Acknowledges an alarm as <paramref name="staffId"/> (an empty body: who acknowledges is the identity).</summary>
    public async Task<HttpResponseMessage> AcknowledgeAsync(long alarmId, string staffId) =>
        await As(staffId).PostAsync(string.Create(CultureInfo.InvariantCulture, $"/alarms/{alarmId}/acknowledge"), content: null);

    public T Service<T>()
        where T : notnull => _gateway.Service<T>();

    private async Task<SimulatedDevice> DeviceAsync(string deviceId)
    {
        if (!_connections.TryGetValue(deviceId, out var device))
        {
            var provisioned = _ward.Devices[deviceId];
            device = await SimulatedDevice.ConnectAsync(provisioned, _ward.Mosquitto.Host, _ward.Mosquitto.Port, TimeProvider.System, null, CancellationToken.None);
            _connections[deviceId] = device;
            _keys[deviceId] = PrivateKeyFile.Read(provisioned.PrivateKeyPath);
        }

        return device;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _connections.Values)
        {
            await device.DisposeAsync();
        }

        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _gateway.DisposeAsync();
    }
}
