using MedIoT.Hosting;

namespace MedIoT.Gateway.Hosting;

/// <summary>
/// Builds the gateway's host on the service chassis (MedIoT.Hosting). Settings come, later ones winning, from the
/// embedded defaults (the options classes), the settings file (<c>--settings PATH</c>, else <c>MEDIOT_SETTINGS</c>, else
/// <c>configs/gateway.json</c> when present), environment variables prefixed <c>MEDIOT_</c>
/// (<c>MEDIOT_Gateway__Mqtt__Port=1884</c>), and the command line (<c>--Gateway:Mqtt:Port=1884</c>).
/// </summary>
public static class GatewayHost
{
    /// <summary>Where the gateway looks for its settings file.</summary>
    public static readonly SettingsFileSearch SettingsSearch = new("--settings", "MEDIOT_SETTINGS", Path.Combine("configs", "gateway.json"));

    /// <summary>
    /// <c>Gateway:Access:AccountsPath</c> of the settings <paramref name="args"/> select, resolved against the settings
    /// file's folder (for <c>mediot-gateway accounts</c>); empty when not set.
    /// </summary>
    public static string AccountsPath(string[] args)
    {
        var settings = SettingsSearch.Find(args);
        var configuration = CreateBuilder(args).Configuration;
        return settings.Resolve(configuration["Gateway:Access:AccountsPath"] ?? string.Empty);
    }

    /// <summary>Creates the host builder; <paramref name="configure"/> lets tests add settings last.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = SettingsSearch.Find(args);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. settings.Arguments] });
        builder.AddSettingsFile(settings, configure);
        builder.AddConsoleLogging();
        builder.AddSystemdService();
        builder.Services.AddGateway(builder.Configuration, settings);
        return builder;
    }
}
