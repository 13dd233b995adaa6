using System.Globalization;
using System.Net.Http.Json;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Scenarios;

/// <summary>
/// Plays a scenario onto a real ward: each device publishes signed frames through the broker with its own connection,
/// staff entries go to the gateway's HTTP API (<c>POST /beds/{ward}/{bed}/observations</c>), and scenario second
/// <c>t</c> starts <c>t / speed</c> wall-clock seconds after the start. Frames are stamped with the scenario's clock
/// (start + <c>t</c> s), so a sped-up scenario keeps its own time line; a gateway takes the earlier of a frame's
/// measured and received times as the sample time. A device's status windows travel in its frames' <c>"status"</c>.
/// </summary>
internal sealed class MqttScenarioSink : IScenarioSink
{
    private readonly Scenario _scenario;
    private readonly IReadOnlyDictionary<string, SimulatedDevice> _devices;
    private readonly HttpClient? _gateway;
    private readonly double _speed;
    private readonly TimeProvider _timeProvider;
    private readonly DateTimeOffset _start;
    private readonly long _startTimestamp;

    public MqttScenarioSink(Scenario scenario, IReadOnlyDictionary<string, SimulatedDevice> devices, HttpClient? gateway, double speed, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(speed, MinSpeed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(speed, MaxSpeed);
        _scenario = scenario;
        _devices = devices;
        _gateway = gateway;
        _speed = speed;
        _timeProvider = timeProvider;
        _start = timeProvider.GetUtcNow();
        _startTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>The slowest play speed accepted.</summary>
    public const double MinSpeed = 0.1;

    /// <summary>The fastest play speed accepted (a second of scenario then lasts 1 ms).</summary>
    public const double MaxSpeed = 1000;

    /// <summary>Staff entries recorded.</summary>
    public int StaffEntries { get; private set; }

    public async Task RecordStaffAsync(StaffEntry entry, CancellationToken cancellationToken)
    {
        if (_gateway is null)
        {
            throw new InvalidOperationException("Staff entries need the gateway's HTTP address (--gateway-url).");
        }

        // The gateway records the signed-in identity (the API token's name) as the staff member; the scenario's staffId is
        // who does it in the story, and is not sent (docs/alerts.md §7).
        object body = entry.Consciousness is { } level
            ? new { consciousness = level }
            : new { onOxygen = entry.OnOxygen };
        var path = $"beds/{Uri.EscapeDataString(_scenario.Ward)}/{Uri.EscapeDataString(_scenario.Bed)}/observations";
        using var response = await _gateway.PostAsJsonAsync(path, body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture,
                $"The gateway refused the staff entry at {entry.AtSecond} s: {(int)response.StatusCode} {problem}"));
        }

        StaffEntries++;
    }

    public Task PublishAsync(string deviceId, int second, IReadOnlyList<(int Code, double Value)> readings, DeviceStatus? status, CancellationToken cancellationToken) =>
        _devices[deviceId].PublishReadingsAsync(_start + TimeSpan.FromSeconds(second), readings, status, cancellationToken);

    public async Task EndSecondAsync(int second, CancellationToken cancellationToken)
    {
        var due = TimeSpan.FromSeconds((second + 1) / _speed);
        var remaining = due - _timeProvider.GetElapsedTime(_startTimestamp);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
