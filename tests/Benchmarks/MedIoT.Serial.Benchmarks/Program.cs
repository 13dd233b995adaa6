using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MedIoT.Serial.Benchmarks.SerialReaderBenchmarks).Assembly).Run(args);
