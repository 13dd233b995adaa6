using MedIoT.Gateway.Access;
using MedIoT.Gateway.Audit;
using MedIoT.Gateway.Hosting;

if (args is ["audit", ..])
{
    return await AuditCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

if (args is ["accounts", ..])
{
    return await AccountsCommand.RunAsync(args[1..], AccountsCommand.ReadPasswordFromConsole, GatewayHost.AccountsPath, Console.Out, Console.Error);
}

await GatewayHost.CreateBuilder(args).Build().RunAsync();
return 0;
