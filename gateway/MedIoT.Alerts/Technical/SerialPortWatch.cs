namespace MedIoT.Alerts.Technical;

/// <summary>A serial port that is disconnected, since when, and the bed its device serves.</summary>
internal sealed record SerialPortWatch(BedLocation? Bed, DateTimeOffset DisconnectedSince);
