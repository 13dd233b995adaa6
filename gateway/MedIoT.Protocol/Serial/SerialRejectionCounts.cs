namespace MedIoT.Protocol.Serial;

/// <summary>Counts rejections per <see cref="SerialRejectionReason"/> for one reader; not thread-safe (one reader, one loop).</summary>
public sealed class SerialRejectionCounts
{
    private static readonly int s_reasonCount = Enum.GetValues<SerialRejectionReason>().Length;
    private readonly long[] _counts = new long[s_reasonCount];

    /// <summary>Rejections for <paramref name="reason"/> so far.</summary>
    public long this[SerialRejectionReason reason] => _counts[(int)reason];

    /// <summary>All rejections so far.</summary>
    public long Total => _counts.Sum();

    /// <summary>Counts one rejection and returns <paramref name="reason"/>, so a reader can write <c>rejection = Count(...)</c>.</summary>
    internal SerialRejectionReason Count(SerialRejectionReason reason)
    {
        _counts[(int)reason]++;
        return reason;
    }
}
