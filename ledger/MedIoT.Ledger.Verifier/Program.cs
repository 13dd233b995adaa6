using MedIoT.Ledger.Verifier;

return await VerifierCommands.Create(Console.Out, Console.Error).Parse(args).InvokeAsync().ConfigureAwait(false);
