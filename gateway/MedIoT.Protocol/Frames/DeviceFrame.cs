using System.Collections.ObjectModel;

namespace MedIoT.Protocol.Frames;

/// <summary>
/// A version 1 device frame: the signed content of one MQTT message from a bedside device.
/// The constructor enforces every rule of the payload format, so a frame that exists can always be serialised
/// and parsed back to an equal frame.
/// </summary>
public sealed class DeviceFrame
{
    /// <summary>Longest device id in characters; ids are 1 to 64 characters of [A-Za-z0-9._-].</summary>
    public const int MaxDeviceIdLength = 64;

    /// <summary>Most observations in one frame (at least one, unless the frame reports the device's status).</summary>
    public const int MaxObservations = 64;

    /// <summary>Largest sequence number: 2^53 − 1, the largest integer a JavaScript JOSE library can write exactly.</summary>
    public const long MaxSequenceNumber = 9007199254740991;

    /// <summary>Creates a frame that reports no device status (the payload has no <c>"status"</c> member).</summary>
    /// <param name="deviceId">The device id; see <see cref="IsValidDeviceId(ReadOnlySpan{char})"/>.</param>
    /// <param name="sequenceNumber">The device's frame counter, 0 to <see cref="MaxSequenceNumber"/>.</param>
    /// <param name="observations">1 to <see cref="MaxObservations"/> observations; copied.</param>
    /// <exception cref="ArgumentException">An argument breaks a rule of the frame format.</exception>
    public DeviceFrame(string deviceId, long sequenceNumber, IReadOnlyList<Observation> observations)
        : this(deviceId, sequenceNumber, observations, status: null)
    {
    }

    /// <summary>Creates a frame, optionally reporting the device's status.</summary>
    /// <param name="deviceId">The device id; see <see cref="IsValidDeviceId(ReadOnlySpan{char})"/>.</param>
    /// <param name="sequenceNumber">The device's frame counter, 0 to <see cref="MaxSequenceNumber"/>.</param>
    /// <param name="observations">
    /// Up to <see cref="MaxObservations"/> observations; copied. At least one, except in a frame that reports a
    /// <paramref name="status"/>: a probe off the finger has no valid reading to send, and a device must be able to
    /// say the trouble is over before its next measurement is due.
    /// </param>
    /// <param name="status">
    /// What the device reports about itself: null for "not reported" (no <c>"status"</c> member),
    /// <see cref="DeviceStatus.None"/> for "nothing wrong" (an empty array), otherwise only flags of
    /// <see cref="DeviceStatusNames.AllFlags"/>.
    /// </param>
    /// <exception cref="ArgumentException">An argument breaks a rule of the frame format.</exception>
    public DeviceFrame(string deviceId, long sequenceNumber, IReadOnlyList<Observation> observations, DeviceStatus? status)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(observations);
        if (!IsValidDeviceId(deviceId))
        {
            throw new ArgumentException($"A device id is 1 to {MaxDeviceIdLength} characters of [A-Za-z0-9._-].", nameof(deviceId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceNumber, MaxSequenceNumber);
        if (status is { } reported && (reported & ~DeviceStatusNames.AllFlags) != 0)
        {
            throw new ArgumentException("The status holds a flag that is not a known device status.", nameof(status));
        }

        if (observations.Count > MaxObservations || (observations.Count == 0 && status is null))
        {
            throw new ArgumentException(
                $"A frame holds 1 to {MaxObservations} observations (0 only when it reports a status); got {observations.Count}.", nameof(observations));
        }

        var copy = new Observation[observations.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var observation = observations[i];
            var problem = ValidateObservation(observation);
            if (problem is not null)
            {
                throw new ArgumentException($"Observation {i}: {problem}", nameof(observations));
            }

            copy[i] = observation;
        }

        DeviceId = deviceId;
        SequenceNumber = sequenceNumber;
        Observations = new ReadOnlyCollection<Observation>(copy);
        Status = status;
    }

    /// <summary>The device id (the JWS "kid" and the MQTT topic level must equal it).</summary>
    public string DeviceId { get; }

    /// <summary>The device's frame counter, 0 to <see cref="MaxSequenceNumber"/>.</summary>
    public long SequenceNumber { get; }

    /// <summary>The observations, in the order of the payload; empty only when the frame reports a <see cref="Status"/>.</summary>
    public IReadOnlyList<Observation> Observations { get; }

    /// <summary>
    /// The device's own status as the frame reports it: null when the frame does not report it (the device may
    /// never report status), <see cref="DeviceStatus.None"/> when it reports nothing wrong.
    /// </summary>
    public DeviceStatus? Status { get; }

    /// <summary><see langword="true"/> for 1 to <see cref="MaxDeviceIdLength"/> characters of [A-Za-z0-9._-].</summary>
    public static bool IsValidDeviceId(ReadOnlySpan<char> deviceId)
    {
        if (deviceId.IsEmpty || deviceId.Length > MaxDeviceIdLength)
        {
            return false;
        }

        foreach (var character in deviceId)
        {
            if (!IsDeviceIdCharacter(character))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The UTF-8 form of <see cref="IsValidDeviceId(ReadOnlySpan{char})"/>.</summary>
    internal static bool IsValidDeviceId(ReadOnlySpan<byte> deviceId)
    {
        if (deviceId.IsEmpty || deviceId.Length > MaxDeviceIdLength)
        {
            return false;
        }

        foreach (var character in deviceId)
        {
            if (!IsDeviceIdCharacter((char)character))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A short reason (no values) when <paramref name="observation"/> breaks a rule; otherwise null.</summary>
    internal static string? ValidateObservation(in Observation observation)
    {
        if (!MdcCodes.TryGetUnit(observation.Code, out var unit))
        {
            return "unsupported code";
        }

        if (!string.Equals(unit, observation.Unit, StringComparison.Ordinal))
        {
            return "unit does not match the code";
        }

        if (!double.IsFinite(observation.Value))
        {
            return "value is not a finite number";
        }

        if (observation.TimeUnixNanoseconds < 0)
        {
            return "time is before 1970-01-01T00:00:00Z";
        }

        return null;
    }

    private static bool IsDeviceIdCharacter(char character) =>
        char.IsAsciiLetterOrDigit(character) || character is '.' or '_' or '-';
}
