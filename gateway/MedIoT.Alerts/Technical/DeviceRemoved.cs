namespace MedIoT.Alerts.Technical;

/// <summary>
/// A device was taken out of service on purpose (removed from the registry, unplugged for cleaning): the engine
/// stops watching it, and its device-silent and device-status alarms clear (a latched high-priority one still
/// waits for its acknowledgement).
/// </summary>
/// <param name="DeviceId">The device.</param>
public sealed record DeviceRemoved(string DeviceId) : AlarmInput;
