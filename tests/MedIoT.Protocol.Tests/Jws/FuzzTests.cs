using System.Diagnostics;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Protocol.Tests.Jws;

/// <summary>Seeded, bounded fuzzing of the decode pipeline with mutated golden tokens.</summary>
public sealed class FuzzTests
{
    private const int Iterations = 20_000;

    [Fact]
    public void Mutated_tokens_never_throw_and_never_verify_unless_unchanged()
    {
        using var key = GoldenFrameTests.ReadGoldenKey();
        var originals = GoldenFrameTests.GoodTokens().ToArray();
        var random = new Random(20261121);
        var stopwatch = Stopwatch.StartNew();
        var reasons = new Dictionary<FrameRejectionReason, int>();

        for (var i = 0; i < Iterations; i++)
        {
            var original = originals[random.Next(originals.Length)];
            var mutated = Mutate(original, random);

            var reason = TestSupport.Run(mutated, JwsFrameDecoder.DefaultMaxTokenBytes, key.PublicKey, out var frame);
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;

            if (reason == FrameRejectionReason.None)
            {
                // Strict base64url leaves one spelling per token, so a verifying token must be the original.
                Assert.Equal(original, mutated);
                Assert.NotNull(frame);
            }
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"fuzzing took {stopwatch.Elapsed}");
        Assert.True(reasons.GetValueOrDefault(FrameRejectionReason.BadSignature) > 1000);
        Assert.True(reasons.GetValueOrDefault(FrameRejectionReason.NotCompactJws) > 1000);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    var index = random.Next(bytes.Count);
                    bytes[index] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveRange(random.Next(bytes.Count), bytes.Count - random.Next(bytes.Count) > 0 ? 1 : 0);
                    break;
                case 2:
                    bytes.RemoveRange(random.Next(bytes.Count + 1) is var cut && cut < bytes.Count ? cut : bytes.Count, bytes.Count - Math.Min(cut, bytes.Count));
                    break;
                case 3:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 4:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)"AZaz09-_.=+/ \n"[random.Next(14)]);
                    break;
                case 5 when bytes.Count > 0:
                    // Replace a character with another of the base64url alphabet: the most plausible corruption.
                    bytes[random.Next(bytes.Count)] = (byte)"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[random.Next(64)];
                    break;
                case 6 when bytes.Count > 1:
                    var from = random.Next(bytes.Count);
                    var length = random.Next(1, Math.Min(16, bytes.Count - from) + 1);
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(from, length));
                    break;
                default:
                    var noise = new byte[random.Next(0, 64)];
                    random.NextBytes(noise);
                    bytes = [.. noise];
                    break;
            }
        }

        return [.. bytes];
    }
}
