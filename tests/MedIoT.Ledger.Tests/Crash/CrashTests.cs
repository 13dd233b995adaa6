using System.Diagnostics;
using System.Globalization;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.CrashWorker;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;
using MedIoT.Ledger.Tests.Proofs;
using MedIoT.Testing;
using Xunit.Abstractions;

namespace MedIoT.Ledger.Tests.Crash;

/// <summary>
/// THE crash test: a child process appends batches and signs checkpoints in a loop; it is killed with SIGKILL ten
/// times at random points of its progress, and after every kill the log must open at least at the last size the child
/// reported durable, every entry must be byte-exact, the root must equal the one recomputed from the leaves, and every
/// checkpoint the child ever signed must still be a root of the log and consistent with the current tree.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Kills = 10;
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigkill_at_random_moments_never_loses_a_durable_entry_or_breaks_a_signed_checkpoint()
    {
        using var folder = TemporaryDirectory.Create("crash");
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var key = Ed25519PrivateKey.FromSeed(seed);
        var verifierKey = NoteVerifierKey.Create(CrashEntries.Origin, key.PublicKey);
        var random = new Random(31);
        var signed = new Dictionary<long, byte[]>();
        long durable = 0;
        var tornTails = 0;

        for (var kill = 0; kill < Kills; kill++)
        {
            var progressBeforeKill = random.Next(0, 25);
            var lines = await RunAndKillAsync(folder.Path, Convert.ToHexString(seed), progressBeforeKill);
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                switch (parts[0])
                {
                    case "open":
                        Assert.True(long.Parse(parts[1], CultureInfo.InvariantCulture) >= durable, $"reopened below the durable size {durable}: {line}");
                        break;
                    case "appended":
                        durable = long.Parse(parts[1], CultureInfo.InvariantCulture);
                        break;
                    case "signed":
                        signed[long.Parse(parts[1], CultureInfo.InvariantCulture)] = Convert.FromHexString(parts[2]);
                        break;
                    default:
                        Assert.Fail($"unexpected line from the worker: {line}");
                        break;
                }
            }

            var treeFile = Path.Combine(folder.Path, "log", MerkleLog.TreeFileName);
            var lengthAtCrash = File.Exists(treeFile) ? new FileInfo(treeFile).Length : 0;
            var size = VerifyAfterCrash(folder.Path, verifierKey, durable, signed);
            if (lengthAtCrash > MerkleLog.NodeCount(size) * MerkleHash.Length)
            {
                tornTails++;
            }

            output.WriteLine($"kill {kill}: after {progressBeforeKill} progress lines; reported durable {durable}, reopened at {size} " +
                $"(torn tail of {lengthAtCrash - (MerkleLog.NodeCount(size) * MerkleHash.Length)} tree bytes discarded), {signed.Count} signed checkpoints hold");
        }

        Assert.True(durable > 0);
        Assert.NotEmpty(signed);
        output.WriteLine($"{tornTails} of {Kills} kills left a partly written batch behind");
    }

    private static long VerifyAfterCrash(string folder, NoteVerifierKey verifierKey, long durable, Dictionary<long, byte[]> signed)
    {
        // The signer's state file holds the last checkpoint it persisted, perhaps one the child never got to print.
        var stateFile = Path.Combine(folder, "checkpoint.note");
        if (File.Exists(stateFile))
        {
            Assert.True(Checkpoint.TryOpen(File.ReadAllText(stateFile), [verifierKey], CrashEntries.Origin, out var last, out var failure), failure.ToString());
            signed[last.Size] = last.RootHash.ToArray();
        }

        using var log = MerkleLog.Open(Path.Combine(folder, "log"));
        var size = log.Size;
        Assert.True(size >= durable, $"the log reopened at {size}, below the size {durable} the worker saw durable");

        var tree = new InMemoryTree([]);
        for (long i = 0; i < size; i++)
        {
            var entry = log.ReadEntry(i);
            Assert.Equal(CrashEntries.For(i), entry);
            tree.Add(MerkleHash.HashLeaf(entry));
        }

        var root = log.GetRootHash(size);
        Assert.Equal(MerkleProofBuilder.RootHash(tree, size), root);
        foreach (var (checkpointSize, checkpointRoot) in signed)
        {
            Assert.True(checkpointSize <= size, $"signed checkpoint {checkpointSize} is beyond the reopened size {size}");
            Assert.Equal(checkpointRoot, log.GetRootHash(checkpointSize));
            var proof = log.GetConsistencyProof(checkpointSize, size);
            Assert.True(MerkleProofVerifier.TryVerifyConsistency(checkpointSize, size, checkpointRoot, root, proof, out var failure),
                $"checkpoint {checkpointSize} -> {size}: {failure}");
        }

        return size;
    }

    private static async Task<List<string>> RunAndKillAsync(string folder, string seedHex, int progressBeforeKill)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mediot-ledger-crash-worker.dll"));
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add(seedHex);
        start.ArgumentList.Add("100000000");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        try
        {
            // Wait for "open" and then for the chosen number of progress lines: the kill lands while the worker is
            // in the middle of its next batch or checkpoint, at a point decided by its own progress, not by a timer.
            while (lines.Count <= progressBeforeKill)
            {
                using var timeout = new CancellationTokenSource(LineTimeout);
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    Assert.Fail($"the worker exited with {process.ExitCode} before it was killed: {await stderr}");
                }

                lines.Add(line);
            }
        }
        finally
        {
            // SIGKILL on Unix: no finally blocks, no flushes, no disposal in the child.
            process.Kill(entireProcessTree: true);
            using var exitTimeout = new CancellationTokenSource(LineTimeout);
            await process.WaitForExitAsync(exitTimeout.Token);
        }

        // Lines the worker printed between the last one read and the kill are still in the pipe.
        var rest = await process.StandardOutput.ReadToEndAsync();
        lines.AddRange(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return lines;
    }
}
