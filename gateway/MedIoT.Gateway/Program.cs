using MedIoT.Gateway;

await GatewayHost.CreateBuilder(args).Build().RunAsync();
