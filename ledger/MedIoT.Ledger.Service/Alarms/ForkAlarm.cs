using System.Text.Json;
using MedIoT.Ledger.Service.Storage;

namespace MedIoT.Ledger.Service.Alarms;

/// <summary>A fork alarm for the hospital IT channel: who forked, how, and where the evidence is. No note contents.</summary>
/// <param name="EvidenceId">The stored evidence's id (GET /evidence).</param>
/// <param name="Origin">The gateway that signed the inconsistent checkpoint.</param>
/// <param name="Reason">How it is inconsistent.</param>
/// <param name="AnchoredSize">The gateway's latest anchored size.</param>
/// <param name="RefusedSize">The refused checkpoint's size.</param>
/// <param name="DetectedAtUnixMilliseconds">When the ledger refused it.</param>
internal sealed record ForkAlarm(long EvidenceId, string Origin, ForkReason Reason, long AnchoredSize, long RefusedSize, long DetectedAtUnixMilliseconds)
{
    /// <summary>The JSON payload: <c>{"kind":"ledger-fork","evidenceId":..,"origin":..,"reason":..,"anchoredSize":..,"refusedSize":..,"detectedAt":..}</c>.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "ledger-fork");
            writer.WriteNumber("evidenceId", EvidenceId);
            writer.WriteString("origin", Origin);
            writer.WriteString("reason", Reason.ToString());
            writer.WriteNumber("anchoredSize", AnchoredSize);
            writer.WriteNumber("refusedSize", RefusedSize);
            writer.WriteString("detectedAt", DateTimeOffset.FromUnixTimeMilliseconds(DetectedAtUnixMilliseconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
