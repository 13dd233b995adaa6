using System.Globalization;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.CrashWorker;
using MedIoT.Ledger.Storage;

// Usage: mediot-ledger-crash-worker <folder> <seed, 64 hex digits> <max leaves>
// Prints "open <size>", then "appended <size>" after every durable batch and "signed <size> <root hex>" after every
// persisted checkpoint, until the log reaches <max leaves> ("done") or the process is killed.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: mediot-ledger-crash-worker <folder> <seed hex> <max leaves>");
    return 2;
}

var folder = args[0];
var maxLeaves = long.Parse(args[2], CultureInfo.InvariantCulture);
using var key = Ed25519PrivateKey.FromSeed(Convert.FromHexString(args[1]));
using var log = MerkleLog.Open(Path.Combine(folder, "log"));
var signer = CheckpointSigner.Open(CrashEntries.Origin, key, Path.Combine(folder, "checkpoint.note"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"open {log.Size}"));
var random = new Random();
var batch = 0;
while (log.Size < maxLeaves)
{
    var count = random.Next(1, 200);
    var first = log.Size;
    var entries = new ReadOnlyMemory<byte>[count];
    for (var i = 0; i < count; i++)
    {
        entries[i] = CrashEntries.For(first + i);
    }

    log.AppendBatch(entries);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"appended {log.Size}"));
    if (++batch % 3 == 0)
    {
        if (!signer.TrySignLatest(log, out _, out var refusal))
        {
            Console.WriteLine($"refused {refusal}");
            return 3;
        }

        var last = signer.LastSigned!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signed {last.Size} {Convert.ToHexStringLower(last.RootHash)}"));
    }
}

Console.WriteLine("done");
return 0;
