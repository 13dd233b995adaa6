using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MedIoT.Hosting;

/// <summary>
/// How every MedIoT service reads its settings and writes its log, for the gateway's <see cref="HostApplicationBuilder"/>
/// and the ledger's and witness's <c>WebApplicationBuilder</c> alike (both are <see cref="IHostApplicationBuilder"/>).
/// </summary>
public static class ServiceHostBuilderExtensions
{
    /// <summary>The prefix of environment variables that override settings: <c>MEDIOT_Ledger__Url</c> sets <c>Ledger:Url</c>.</summary>
    public const string EnvironmentPrefix = "MEDIOT_";

    /// <summary>
    /// Adds the service's settings, later ones winning: the JSON <paramref name="settingsFile"/>, environment variables
    /// prefixed <see cref="EnvironmentPrefix"/> (<c>MEDIOT_Ledger__Url=...</c>), the command line left in
    /// <see cref="SettingsFile.Arguments"/> (<c>--Ledger:Url=...</c>), then whatever <paramref name="configure"/> adds
    /// (tests). Registers <paramref name="settingsFile"/> as a singleton, so services can resolve relative paths.
    /// </summary>
    /// <exception cref="FileNotFoundException">The settings file was named but does not exist.</exception>
    public static IHostApplicationBuilder AddSettingsFile(this IHostApplicationBuilder builder, SettingsFile settingsFile,
        Action<IConfigurationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settingsFile);
        settingsFile.ThrowIfMissing();
        builder.Configuration.AddJsonFile(settingsFile.Path, optional: !settingsFile.IsRequired, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine([.. settingsFile.Arguments]);
        configure?.Invoke(builder.Configuration);
        builder.Services.AddSingleton(settingsFile);
        return builder;
    }

    /// <summary>
    /// Logs to standard output, one line per event with a UTC timestamp (<c>2026-11-21T17:12:33.120Z </c>) and no colour,
    /// as journald stores it; levels come from the <c>Logging</c> section of the settings.
    /// </summary>
    public static IHostApplicationBuilder AddConsoleLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        return builder;
    }

    /// <summary>
    /// When systemd started the process (<see cref="SystemdHelpers.IsSystemdService"/>: its parent is systemd), tells
    /// systemd when the service is ready and when it stops (<c>READY=1</c>, <c>STOPPING=1</c> over <c>$NOTIFY_SOCKET</c>,
    /// sd_notify(3), for the units' <c>Type=notify</c>, configs/systemd/), stops on SIGTERM, and writes log lines in
    /// journald's form: a <c>&lt;N&gt;</c> syslog priority (RFC 5424 §6.2.1), the category, the event id in brackets, the
    /// message, and no timestamp of our own (journald stamps each line). Elsewhere nothing changes. Call it after
    /// <see cref="AddConsoleLogging"/>, whose formatter it replaces under systemd.
    /// </summary>
    public static IHostApplicationBuilder AddSystemdService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSystemd();
        return builder;
    }
}
