using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Scenarios;

/// <summary>
/// Where a <see cref="ScenarioPlayer"/> sends a scenario's inputs and how it keeps time: the simulator's MQTT devices
/// on the wall clock (<see cref="MqttScenarioSink"/>), or a test's gateway or engine on a fake clock.
/// </summary>
internal interface IScenarioSink
{
    /// <summary>Records a staff observation for the scenario's bed.</summary>
    Task RecordStaffAsync(StaffEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one frame of <paramref name="deviceId"/> measured at scenario second <paramref name="second"/>.
    /// <paramref name="status"/> is the device's current status for a device with status windows (the frame's
    /// <c>"status"</c>, docs/device-protocol.md §3) and null for a device that reports none. <paramref name="readings"/>
    /// is empty only in a status-only frame, sent when the status changes in a second with no reading due.
    /// </summary>
    Task PublishAsync(string deviceId, int second, IReadOnlyList<(int Code, double Value)> readings, DeviceStatus? status, CancellationToken cancellationToken);

    /// <summary>Called after every input of <paramref name="second"/>; returns when the next second of the scenario starts.</summary>
    Task EndSecondAsync(int second, CancellationToken cancellationToken);
}
