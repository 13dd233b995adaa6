using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using MedIoT.Protocol.Internal;

namespace MedIoT.Protocol.Frames;

/// <summary>
/// The JSON payload of a device frame, version 1 (RFC 8259):
/// <c>{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}]}</c>,
/// optionally with the device's status: <c>"status":["sensor-off"]</c> (names in <see cref="DeviceStatusNames"/>).
/// Parsing is strict (see docs/device-protocol.md); serialising is deterministic.
/// </summary>
public static class DeviceFrameJson
{
    /// <summary>The only payload version this library reads and writes.</summary>
    public const int Version = 1;

    // Only the characters JSON requires are escaped; every string we write is plain ASCII anyway.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 8,
    };

    /// <summary>
    /// Serialises <paramref name="frame"/> as compact UTF-8 JSON with members in the fixed order v, device, seq, status
    /// (only when the frame reports one; names in ascending bit order), obs and, per observation, code, value, unit, time. Values use the shortest text that round-trips the double (for example
    /// 97, 36.6, 1E-05); times use the fewest fractional digits that are exact (none to nine).
    /// </summary>
    public static byte[] Serialize(DeviceFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var buffer = new MemoryStream(64 + (frame.Observations.Count * 96));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            writer.WriteString("device"u8, frame.DeviceId);
            writer.WriteNumber("seq"u8, frame.SequenceNumber);
            if (frame.Status is { } status)
            {
                writer.WriteStartArray("status"u8);
                foreach (var name in DeviceStatusNames.NamesOf(status))
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
            }

            writer.WriteStartArray("obs"u8);
            foreach (var observation in frame.Observations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("code"u8, observation.Code);
                writer.WriteNumber("value"u8, observation.Value);
                writer.WriteString("unit"u8, observation.Unit);
                writer.WriteString("time"u8, UtcTimestamp.Format(observation.TimeUnixNanoseconds));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Parses an untrusted payload. Never throws. On failure <paramref name="reason"/> is
    /// <see cref="FrameRejectionReason.MalformedPayload"/> or <see cref="FrameRejectionReason.InvalidFrame"/> for the first
    /// problem found in document order, and <paramref name="detail"/> names the member but never repeats a value.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out DeviceFrame? frame,
        out FrameRejectionReason reason, out string? detail)
    {
        frame = null;
        if (!Utf8.IsValid(utf8Json))
        {
            reason = FrameRejectionReason.MalformedPayload;
            detail = "payload is not valid UTF-8";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            return TryParseFrame(ref reader, out frame, out reason, out detail);
        }
        catch (JsonException)
        {
            frame = null;
            reason = FrameRejectionReason.MalformedPayload;
            detail = "payload is not well-formed JSON";
            return false;
        }
    }

    private static bool TryParseFrame(ref Utf8JsonReader reader, out DeviceFrame? frame,
        out FrameRejectionReason reason, out string? detail)
    {
        frame = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Malformed("payload is not a JSON object", out reason, out detail);
        }

        bool hasVersion = false, hasDevice = false, hasSequence = false, hasObservations = false, hasStatus = false;
        DeviceStatus status = DeviceStatus.None;
        string? deviceId = null;
        long sequenceNumber = 0;
        List<Observation>? observations = null;
        Span<byte> buffer = stackalloc byte[JsonText.MaxShortStringBytes];

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("v"u8))
            {
                if (!Once(ref hasVersion, "v", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return Malformed("member 'v' is not a number", out reason, out detail);
                }

                if (!JsonText.TryGetPlainInteger(ref reader, 9, out var version) || version != Version)
                {
                    return Invalid("unsupported payload version 'v' (must be 1)", out reason, out detail);
                }
            }
            else if (reader.ValueTextEquals("device"u8))
            {
                if (!Once(ref hasDevice, "device", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Malformed("member 'device' is not a string", out reason, out detail);
                }

                if (!JsonText.TryCopyString(ref reader, buffer, out var length) || !DeviceFrame.IsValidDeviceId(buffer[..length]))
                {
                    return Invalid("member 'device' is not a valid device id", out reason, out detail);
                }

                deviceId = Encoding.ASCII.GetString(buffer[..length]);
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                if (!Once(ref hasSequence, "seq", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return Malformed("member 'seq' is not a number", out reason, out detail);
                }

                if (!JsonText.TryGetPlainInteger(ref reader, 16, out sequenceNumber) || sequenceNumber > DeviceFrame.MaxSequenceNumber)
                {
                    return Invalid("member 'seq' is not an integer from 0 to 2^53-1", out reason, out detail);
                }
            }
            else if (reader.ValueTextEquals("obs"u8))
            {
                if (!Once(ref hasObservations, "obs", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (!TryParseObservations(ref reader, buffer, out observations, out reason, out detail))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                if (!Once(ref hasStatus, "status", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (!TryParseStatus(ref reader, out status, out reason, out detail))
                {
                    return false;
                }
            }
            else
            {
                return Malformed("payload has an unknown member", out reason, out detail);
            }
        }

        // The reader guarantees EndObject here for well-formed JSON; anything after the object makes Read throw.
        if (reader.Read())
        {
            return Malformed("payload has content after the object", out reason, out detail);
        }

        if (!hasVersion || !hasDevice || !hasSequence || !hasObservations)
        {
            var missing = !hasVersion ? "v" : !hasDevice ? "device" : !hasSequence ? "seq" : "obs";
            return Malformed($"payload lacks member '{missing}'", out reason, out detail);
        }

        DeviceStatus? reported = hasStatus ? status : null;
        if (observations!.Count == 0 && reported is null)
        {
            return Invalid("member 'obs' is empty (allowed only in a frame with 'status')", out reason, out detail);
        }

        frame = new DeviceFrame(deviceId!, sequenceNumber, observations, reported);
        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool TryParseObservations(ref Utf8JsonReader reader, scoped Span<byte> buffer,
        out List<Observation>? observations, out FrameRejectionReason reason, out string? detail)
    {
        observations = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Malformed("member 'obs' is not an array", out reason, out detail);
        }

        var list = new List<Observation>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (list.Count == DeviceFrame.MaxObservations)
            {
                return Invalid("member 'obs' has more than 64 items", out reason, out detail);
            }

            if (!TryParseObservation(ref reader, buffer, out var observation, out reason, out detail))
            {
                return false;
            }

            list.Add(observation);
        }

        // Whether an empty list is allowed depends on "status", which may come later in the object.
        observations = list;
        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool TryParseStatus(ref Utf8JsonReader reader, out DeviceStatus status, out FrameRejectionReason reason, out string? detail)
    {
        status = DeviceStatus.None;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return Malformed("member 'status' is not an array", out reason, out detail);
        }

        Span<byte> name = stackalloc byte[DeviceStatusNames.MaxNameBytes];
        var items = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return Malformed("a 'status' item is not a string", out reason, out detail);
            }

            // Distinct names are at most Count, so a longer array is refused before it can grow anything.
            if (++items > DeviceStatusNames.Count)
            {
                return Invalid($"member 'status' has more than {DeviceStatusNames.Count} items", out reason, out detail);
            }

            if (!JsonText.TryCopyString(ref reader, name, out var length) || !DeviceStatusNames.TryParse(name[..length], out var flag))
            {
                return Invalid("a 'status' item is not a device status name", out reason, out detail);
            }

            if ((status & flag) != 0)
            {
                return Invalid("member 'status' names a status more than once", out reason, out detail);
            }

            status |= flag;
        }

        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool TryParseObservation(ref Utf8JsonReader reader, scoped Span<byte> buffer, out Observation observation,
        out FrameRejectionReason reason, out string? detail)
    {
        observation = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Malformed("an 'obs' item is not an object", out reason, out detail);
        }

        bool hasCode = false, hasValue = false, hasUnit = false, hasTime = false;
        var code = 0;
        double value = 0;
        string? unit = null;
        long time = 0;
        Span<byte> unitBytes = stackalloc byte[16];
        var unitLength = -1;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                if (!Once(ref hasCode, "code", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return Malformed("member 'code' is not a number", out reason, out detail);
                }

                if (!JsonText.TryGetPlainInteger(ref reader, 9, out var codeValue) || codeValue == 0)
                {
                    return Invalid("member 'code' is not a positive integer", out reason, out detail);
                }

                code = (int)codeValue;
                if (!MdcCodes.TryGetUnit(code, out unit))
                {
                    return Invalid("member 'code' is not a supported MDC code", out reason, out detail);
                }
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                if (!Once(ref hasValue, "value", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return Malformed("member 'value' is not a number", out reason, out detail);
                }

                // A JSON number too large for a double (1e400) reads as infinity: refuse it.
                if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
                {
                    return Invalid("member 'value' is not a finite number", out reason, out detail);
                }
            }
            else if (reader.ValueTextEquals("unit"u8))
            {
                if (!Once(ref hasUnit, "unit", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Malformed("member 'unit' is not a string", out reason, out detail);
                }

                if (!JsonText.TryCopyString(ref reader, unitBytes, out unitLength))
                {
                    unitLength = -1;
                }
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                if (!Once(ref hasTime, "time", out reason, out detail))
                {
                    return false;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Malformed("member 'time' is not a string", out reason, out detail);
                }

                if (!JsonText.TryCopyString(ref reader, buffer, out var length) ||
                    !UtcTimestamp.TryParse(buffer[..length], out time))
                {
                    return Invalid("member 'time' is not an RFC 3339 UTC time ending in Z (years 1970-2262, up to 9 fractional digits)", out reason, out detail);
                }
            }
            else
            {
                return Malformed("an 'obs' item has an unknown member", out reason, out detail);
            }
        }

        if (!hasCode || !hasValue || !hasUnit || !hasTime)
        {
            var missing = !hasCode ? "code" : !hasValue ? "value" : !hasUnit ? "unit" : "time";
            return Malformed($"an 'obs' item lacks member '{missing}'", out reason, out detail);
        }

        // The unit is compared once both it and the code are known, whatever their order in the object.
        if (unitLength < 0 || !Ascii.Equals(unitBytes[..unitLength], unit))
        {
            return Invalid("member 'unit' is not the UCUM unit of the code", out reason, out detail);
        }

        observation = new Observation(code, value, unit!, time);
        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool Once(ref bool seen, string member, out FrameRejectionReason reason, out string? detail)
    {
        if (seen)
        {
            return Malformed($"member '{member}' appears more than once", out reason, out detail);
        }

        seen = true;
        reason = FrameRejectionReason.None;
        detail = null;
        return true;
    }

    private static bool Malformed(string text, out FrameRejectionReason reason, out string? detail)
    {
        reason = FrameRejectionReason.MalformedPayload;
        detail = text;
        return false;
    }

    private static bool Invalid(string text, out FrameRejectionReason reason, out string? detail)
    {
        reason = FrameRejectionReason.InvalidFrame;
        detail = text;
        return false;
    }
}
