using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Testing;

/// <summary>
/// Compatibility shim, to be deleted: the fake clock is Microsoft.Extensions.TimeProvider.Testing's
/// <see cref="FakeTimeProvider"/> (timers due at or before the new time fire in due order, on the thread that advances
/// it, as this class's did). Only tests/MedIoT.Mqtt.Tests/MqttClientReconnectTests.cs still uses this name, and it is being
/// changed in parallel; once it writes <c>new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))</c>,
/// this file goes.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset? start = null)
    : FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
