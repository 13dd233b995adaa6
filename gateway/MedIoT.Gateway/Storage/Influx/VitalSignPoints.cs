using System.Buffers;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// The InfluxDB schema of readings (README, "Stored data"): one point per observation in the
/// measurement (default <c>vitals</c>) with tags <c>ward</c>, <c>bed</c>, <c>device</c>, <c>code</c>
/// (IEEE 11073 MDC code) and fields <c>value</c> (float), <c>unit</c> (UCUM string), <c>seq</c> (the
/// frame's sequence number, integer), <c>journal</c> (the index of the frame's journal entry, integer: the link from
/// every stored reading to its ledger entry and its proofs); the timestamp is the device's measurement time in nanoseconds.
/// Readings the gateway attested for a device that cannot sign (docs/serial.md) also carry the tag
/// <c>attested=gateway</c>; device-signed readings have no such tag.
/// </summary>
internal static class VitalSignPoints
{
    /// <summary>Appends the points of one verified frame; returns how many.</summary>
    public static int Write(IBufferWriter<byte> output, string measurement, VerifiedFrame verified, long journalIndex)
    {
        var device = verified.Device;
        foreach (var observation in verified.Frame.Observations)
        {
            LineProtocol.WriteMeasurement(output, measurement);
            if (verified.Attestation == FrameAttestation.GatewayAttested)
            {
                LineProtocol.WriteTag(output, "attested", "gateway");
            }

            LineProtocol.WriteTag(output, "bed", device.Location.Bed.ToString());
            LineProtocol.WriteTag(output, "code", observation.Code);
            LineProtocol.WriteTag(output, "device", device.DeviceId);
            LineProtocol.WriteTag(output, "ward", device.Location.Ward.ToString());
            LineProtocol.WriteFloatField(output, "value", observation.Value, first: true);
            LineProtocol.WriteIntegerField(output, "seq", verified.Frame.SequenceNumber, first: false);
            LineProtocol.WriteIntegerField(output, "journal", journalIndex, first: false);
            LineProtocol.WriteStringField(output, "unit", observation.Unit, first: false);
            LineProtocol.WriteTimestampAndEndLine(output, observation.TimeUnixNanoseconds);
        }

        return verified.Frame.Observations.Count;
    }
}
