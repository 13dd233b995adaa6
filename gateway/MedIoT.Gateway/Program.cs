using MedIoT.Gateway;
using MedIoT.Gateway.Audit;

if (args is ["audit", ..])
{
    return await AuditCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

await GatewayHost.CreateBuilder(args).Build().RunAsync();
return 0;
