namespace MedIoT.Ledger.Tests.Entries;

/// <summary>
/// Seeded fuzz input for the entry decoders: every other candidate is a valid encoding with one to three random bytes
/// changed (and a quarter of those cut short), the rest random bytes behind the record's own leading bytes, so the
/// decoder gets past its first check.
/// </summary>
internal static class FuzzedEntries
{
    public const int Count = 20_000;

    public static IEnumerable<byte[]> From(byte[] valid, int seed, params byte[] header)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < Count; trial++)
        {
            byte[] candidate;
            if (trial % 2 == 0)
            {
                candidate = valid.ToArray();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    candidate[random.Next(candidate.Length)] = (byte)random.Next(256);
                }

                if (random.Next(4) == 0)
                {
                    candidate = candidate[..random.Next(candidate.Length + 1)];
                }
            }
            else
            {
                candidate = new byte[random.Next(0, 120)];
                random.NextBytes(candidate);
                if (candidate.Length >= header.Length)
                {
                    header.CopyTo(candidate, 0);
                }
            }

            yield return candidate;
        }
    }
}
