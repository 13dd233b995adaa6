namespace MedIoT.Gateway.Alerts.Delivery;

/// <summary>One MQTT message of alarm delivery.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Payload">The JSON document.</param>
/// <param name="Retain">A retained state message (only its latest payload per topic matters).</param>
/// <param name="ArrivalTimestamp">Stopwatch timestamp of the frame that caused an event (0 otherwise), for the latency metric.</param>
internal sealed record AlarmMessage(string Topic, byte[] Payload, bool Retain, long ArrivalTimestamp = 0);
