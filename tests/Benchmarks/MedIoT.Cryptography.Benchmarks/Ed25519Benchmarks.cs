using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MedIoT.Cryptography.Benchmarks;

/// <summary>
/// Ed25519 as the gateway uses it: signing a checkpoint-sized message and verifying a device frame's signing input (a
/// two-observation JWS header and payload, about 280 bytes). One operation per invocation, so the mean is the cost of
/// one signature or verification and its inverse is the rate per core (docs/benchmarks/cryptography.md). In-process,
/// because BenchmarkDotNet 0.14 does not know the net10.0 moniker for its generated projects.
/// </summary>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
public class Ed25519Benchmarks
{
    private readonly byte[] _signature = new byte[Ed25519PrivateKey.SignatureLength];
    private byte[] _message = [];
    private byte[] _signed = [];
    private Ed25519PrivateKey? _key;

    /// <summary>The message length in bytes: a device frame's JWS signing input is about 280.</summary>
    [Params(280)]
    public int MessageBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _message = new byte[MessageBytes];
        random.NextBytes(_message);
        var seed = new byte[Ed25519PrivateKey.SeedLength];
        random.NextBytes(seed);
        _key = Ed25519PrivateKey.FromSeed(seed);
        _signed = _key.Sign(_message);
    }

    [GlobalCleanup]
    public void Cleanup() => _key?.Dispose();

    [Benchmark]
    public byte Sign()
    {
        _key!.Sign(_message, _signature);
        return _signature[0];
    }

    [Benchmark]
    public bool Verify() => _key!.PublicKey.Verify(_message, _signed);

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
