namespace MedIoT.Alerts.Technical;

/// <summary>An attached sensor that is not working, since when, and the bed it serves.</summary>
internal sealed record AttachedSensorWatch(BedLocation Bed, DateTimeOffset FaultySince);
