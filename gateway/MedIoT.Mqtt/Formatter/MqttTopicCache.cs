namespace MedIoT.Mqtt.Formatter;

/// <summary>
/// The topic names a connection received lately, so a stream of PUBLISH packets to the same few topics (a
/// ward's devices) reuses one string per topic instead of validating and allocating it per message. Used by
/// the connection's only reader; not thread-safe. A hit skips validation: the bytes were validated when cached.
/// </summary>
internal sealed class MqttTopicCache
{
    private const int Slots = 64;
    private const int MaximumCachedLength = 256;
    private readonly (byte[] Utf8, string Topic)?[] _entries = new (byte[], string)?[Slots];

    /// <summary>The cached topic for <paramref name="utf8"/>, if any.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, out string topic)
    {
        if (_entries[Slot(utf8)] is { } entry && utf8.SequenceEqual(entry.Utf8))
        {
            topic = entry.Topic;
            return true;
        }

        topic = string.Empty;
        return false;
    }

    /// <summary>Remembers a validated topic name.</summary>
    public void Add(ReadOnlySpan<byte> utf8, string topic)
    {
        if (utf8.Length <= MaximumCachedLength)
        {
            _entries[Slot(utf8)] = (utf8.ToArray(), topic);
        }
    }

    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        // Topics of one ward differ mostly near the end (the device id); mix length and the last bytes.
        // Wrapping arithmetic on purpose (the project checks overflow elsewhere).
        unchecked
        {
            var hash = (uint)utf8.Length * 2_654_435_761u;
            var tail = utf8.Length > 8 ? utf8[^8..] : utf8;
            foreach (var value in tail)
            {
                hash = (hash ^ value) * 16_777_619u;
            }

            return (int)(hash % Slots);
        }
    }
}
