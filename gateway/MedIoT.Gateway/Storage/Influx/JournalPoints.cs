using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MedIoT.Alerts;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Ledger.Entries;
using MedIoT.Protocol.Jws;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Turns journal entries back into the frames they hold (docs/ledger-entry-format.md), for the InfluxDB writer and the
/// audit. The signature was verified before the frame was journaled; here the JWS is only decoded.
/// </summary>
internal static class JournalPoints
{
    /// <summary>Decodes entry <paramref name="bytes"/>; <paramref name="problem"/> says why it cannot be used.</summary>
    public static bool TryReadFrame(ReadOnlySpan<byte> bytes, DeviceRegistry registry, [NotNullWhen(true)] out VerifiedFrame? frame,
        [NotNullWhen(false)] out string? problem)
    {
        frame = null;
        if (!LedgerEntry.TryDecode(bytes, out var entry, out var failure))
        {
            problem = "entry " + failure;
            return false;
        }

        if (!JwsFrameDecoder.TryDecode(entry.Frame.Span, LedgerEntry.MaxFrameLength, out var token, out var reason, out _)
            || !token.TryReadFrame(out var deviceFrame, out reason, out _))
        {
            problem = "frame " + reason;
            return false;
        }

        if (!registry.TryGet(entry.DeviceId, out var device))
        {
            // Removed from the registry since: the reading is still stored, with its ward and bed unknown.
            device = new RegisteredDevice(entry.DeviceId, "unknown", BedLocation.Parse("unknown", "unknown"), null, Revoked: true);
        }

        var attestation = entry.Attestation == EntryAttestation.GatewayAttested ? FrameAttestation.GatewayAttested : FrameAttestation.DeviceSigned;
        frame = new VerifiedFrame(device, deviceFrame, attestation) { Token = entry.Frame, ReceivedUnixNanoseconds = entry.ReceivedUnixNanoseconds };
        problem = null;
        return true;
    }

    /// <summary>
    /// Appends the points of journal entry <paramref name="index"/>: the readings of a frame entry to
    /// <paramref name="measurement"/>, an alarm event entry to <see cref="AlarmPoints.Measurement"/>; returns how many (0
    /// for an unusable entry).
    /// </summary>
    public static int Write(IBufferWriter<byte> output, string measurement, ReadOnlySpan<byte> entry, long index, DeviceRegistry registry,
        out string? problem)
    {
        if (AlarmEventEntry.IsGatewayEvent(entry))
        {
            if (!AlarmEventEntry.TryDecode(entry, out var alarm, out var failure))
            {
                problem = "alarm event entry " + failure;
                return 0;
            }

            problem = null;
            return AlarmPoints.Write(output, alarm, index);
        }

        if (!TryReadFrame(entry, registry, out var frame, out problem))
        {
            return 0;
        }

        return VitalSignPoints.Write(output, measurement, frame, index);
    }
}
