using MedIoT.Ledger.Service.Hosting;

await using var server = await LedgerServer.StartAsync(args);
await server.WaitForShutdownAsync();
