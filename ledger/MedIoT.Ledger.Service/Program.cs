using MedIoT.Ledger.Service.Hosting;
using Microsoft.Extensions.Options;

await using var server = await StartOrExplainAsync(args);
if (server is null)
{
    return 2;
}

await server.WaitForShutdownAsync();
return Environment.ExitCode;

// A setting, the registry, the key or the database that is not usable: one line saying which, exit code 2.
static async Task<LedgerServer?> StartOrExplainAsync(string[] args)
{
    try
    {
        return await LedgerServer.StartAsync(args);
    }
    catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException or InvalidDataException or FileNotFoundException)
    {
        await Console.Error.WriteLineAsync($"mediot-ledger: {exception.Message}");
        return null;
    }
}
