using MedIoT.Gateway.Access;
using MedIoT.Gateway.Audit;
using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Hosting;

if (args is ["audit", ..])
{
    return await AuditCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

if (args is ["calibrate-scale", ..])
{
    return await CalibrateScaleCommand.RunAsync(
        args[1..], settingsArguments => GatewayHost.CreateBuilder(settingsArguments).Build(), GatewayHost.SettingsSearch.Find, Console.Out, Console.Error);
}

if (args is ["accounts", ..])
{
    return await AccountsCommand.RunAsync(args[1..], AccountsCommand.ReadPasswordFromConsole, GatewayHost.AccountsPath, Console.Out, Console.Error);
}

// Not 0 when a background service failed and so stopped the host: systemd's Restart=on-failure then starts it again.
return await ServiceHostRun.RunAsync(GatewayHost.CreateBuilder(args).Build());
