using Microsoft.Extensions.Logging.Console;

namespace MedIoT.Gateway.Hosting;

/// <summary>
/// Builds the gateway's host. Settings come, later ones winning, from the embedded defaults (the
/// options classes), the settings file (<c>--settings PATH</c>, else <c>MEDIOT_SETTINGS</c>, else
/// <c>configs/gateway.json</c> when present), environment variables prefixed <c>MEDIOT_</c>
/// (<c>MEDIOT_Gateway__Mqtt__Port=1884</c>), and the command line (<c>--Gateway:Mqtt:Port=1884</c>).
/// </summary>
public static class GatewayHost
{
    /// <summary>Creates the host builder; <paramref name="configure"/> lets tests add settings last.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (settingsFile, remaining) = FindSettingsFile(args);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = remaining });
        var fullPath = Path.GetFullPath(settingsFile.Path);
        if (settingsFile.Required && !File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The settings file '{fullPath}' does not exist.", fullPath);
        }

        var settingsFolder = Path.GetDirectoryName(fullPath)!;
        builder.Configuration.AddJsonFile(fullPath, optional: !settingsFile.Required, reloadOnChange: false);

        builder.Configuration.AddEnvironmentVariables("MEDIOT_");
        builder.Configuration.AddCommandLine(remaining);
        configure?.Invoke(builder.Configuration);

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Services.AddGateway(builder.Configuration, settingsFolder);
        return builder;
    }

    /// <summary>The folder relative settings paths are resolved against (that of the settings file <paramref name="args"/> select).</summary>
    internal static string SettingsFolder(string[] args) => Path.GetDirectoryName(Path.GetFullPath(FindSettingsFile(args).File.Path))!;

    private static (SettingsFile File, string[] Remaining) FindSettingsFile(string[] args)
    {
        var remaining = new List<string>();
        SettingsFile? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--settings" && i + 1 < args.Length)
            {
                file = new SettingsFile(args[++i], Required: true);
            }
            else
            {
                remaining.Add(args[i]);
            }
        }

        if (file is null && Environment.GetEnvironmentVariable("MEDIOT_SETTINGS") is { Length: > 0 } fromEnvironment)
        {
            file = new SettingsFile(fromEnvironment, Required: true);
        }

        return (file ?? new SettingsFile(Path.Combine("configs", "gateway.json"), Required: false), [.. remaining]);
    }

    private sealed record SettingsFile(string Path, bool Required);
}
