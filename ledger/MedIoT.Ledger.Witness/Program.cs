using MedIoT.Ledger.Witness;

// Unix only: key and state files rely on file modes 0600/0700 and fsync of folders.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

return await WitnessCommands.Create(Console.Out, Console.Error).Parse(args).InvokeAsync().ConfigureAwait(false);
