using System.Diagnostics;
using System.Globalization;
using MedIoT.Ledger.Benchmarks;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;

// Usage (docs/benchmarks/ledger.md):
//   mediot-ledger-bench append <files|sqlite> <folder> <leaves> <batch size> <entry bytes>
//   mediot-ledger-bench proofs <files|sqlite> <folder> <samples>
// Bounded: it appends exactly <leaves> entries or measures exactly <samples> proofs, then exits.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: append <files|sqlite> <folder> <leaves> <batch> <entry bytes> | proofs <files|sqlite> <folder> <samples>");
    return 2;
}

var store = args[1];
var folder = args[2];
return args[0] switch
{
    "append" => Append(store, folder, long.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture)),
    "proofs" => Proofs(store, folder, int.Parse(args[3], CultureInfo.InvariantCulture)),
    _ => 2,
};

static int Append(string store, string folder, long leaves, int batchSize, int entryBytes)
{
    var random = new Random(1);
    var pool = new byte[1 << 20];
    random.NextBytes(pool);
    using var files = store == "files" ? MerkleLog.Open(folder) : null;
    using var sqlite = store == "sqlite" ? new SqliteMerkleStore(folder) : null;
    long Size() => files?.Size ?? sqlite!.Size;
    var start = Size();
    var batch = new ReadOnlyMemory<byte>[batchSize];
    var stopwatch = Stopwatch.StartNew();
    var batches = 0;
    var report = Stopwatch.StartNew();
    while (Size() - start < leaves)
    {
        var count = (int)Math.Min(batchSize, leaves - (Size() - start));
        var current = count == batchSize ? batch : new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            current[i] = pool.AsMemory((int)((Size() + i) * 7919 % (pool.Length - entryBytes)), entryBytes);
        }

        if (files is not null)
        {
            files.AppendBatch(current);
        }
        else
        {
            sqlite!.AppendBatch(current);
        }

        batches++;
        if (report.Elapsed > TimeSpan.FromSeconds(10))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ... {Size() - start} leaves, {(Size() - start) / stopwatch.Elapsed.TotalSeconds:F0}/s"));
            report.Restart();
        }
    }

    stopwatch.Stop();
    sqlite?.Checkpoint();
    var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
    var size = Size();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{store}: appended {leaves} leaves of {entryBytes} bytes in {batches} durable batches of {batchSize}: {stopwatch.Elapsed.TotalSeconds:F2} s, {leaves / stopwatch.Elapsed.TotalSeconds:F0} leaves/s, {batches / stopwatch.Elapsed.TotalSeconds:F1} batches/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{store}: size {size}, {bytes} bytes on disk, {(double)bytes / size:F1} bytes/leaf, {(double)bytes / size - entryBytes:F1} bytes/leaf beyond the entry itself"));
    return 0;
}

static int Proofs(string store, string folder, int samples)
{
    using var files = store == "files" ? MerkleLog.Open(folder) : null;
    using var sqlite = store == "sqlite" ? new SqliteMerkleStore(folder) : null;
    IMerkleNodeSource source = files is not null ? files : sqlite!;
    var size = files?.Size ?? sqlite!.Size;
    var random = new Random(2);
    var root = MerkleProofBuilder.RootHash(source, size);

    // Warm-up: the JIT and the page cache for the upper tree levels.
    for (var i = 0; i < 200; i++)
    {
        MerkleProofBuilder.InclusionProof(source, random.NextInt64(size), size);
    }

    var inclusion = new double[samples];
    var verify = new double[samples];
    var consistency = new double[samples];
    var rootTimes = new double[samples];
    for (var i = 0; i < samples; i++)
    {
        var index = random.NextInt64(size);
        var leafHash = new byte[32];
        source.ReadNode(0, index, leafHash);
        var t0 = Stopwatch.GetTimestamp();
        var proof = MerkleProofBuilder.InclusionProof(source, index, size);
        var t1 = Stopwatch.GetTimestamp();
        if (!MerkleProofVerifier.TryVerifyInclusion(index, size, leafHash, proof, root, out var failure))
        {
            Console.Error.WriteLine($"inclusion proof failed: {failure}");
            return 1;
        }

        var t2 = Stopwatch.GetTimestamp();
        var first = random.NextInt64(1, size);
        var consistencyProof = MerkleProofBuilder.ConsistencyProof(source, first, size);
        var t3 = Stopwatch.GetTimestamp();
        var firstRoot = MerkleProofBuilder.RootHash(source, first);
        var t4 = Stopwatch.GetTimestamp();
        if (!MerkleProofVerifier.TryVerifyConsistency(first, size, firstRoot, root, consistencyProof, out failure))
        {
            Console.Error.WriteLine($"consistency proof failed: {failure}");
            return 1;
        }

        inclusion[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
        verify[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
        consistency[i] = Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds;
        rootTimes[i] = Stopwatch.GetElapsedTime(t3, t4).TotalMicroseconds;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store}: tree size {size}, {samples} random samples each (microseconds)"));
    Print("inclusion proof (generate)", inclusion);
    Print("inclusion proof (verify)", verify);
    Print("consistency proof (generate)", consistency);
    Print("root hash of a random earlier size", rootTimes);
    return 0;

    static void Print(string name, double[] values)
    {
        Array.Sort(values);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-36} mean {values.Average(),8:F1}  p50 {values[values.Length / 2],8:F1}  p99 {values[(int)(values.Length * 0.99)],8:F1}  max {values[^1],8:F1}"));
    }
}
