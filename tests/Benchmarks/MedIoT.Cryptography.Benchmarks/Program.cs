using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MedIoT.Cryptography.Benchmarks.Ed25519Benchmarks).Assembly).Run(args);
