using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace MedIoT.Hosting.Tests;

public sealed class ServiceHostBuilderExtensionsTests
{
    // A section of this test's own: environment variables are process-wide and tests run in parallel.
    private readonly string _section = $"HostingTest{Guid.NewGuid():N}";

    [Fact]
    public void Later_sources_win_the_file_then_the_environment_then_the_command_line_then_the_test_hook()
    {
        using var folder = TemporaryFolder.Create();
        var path = folder.Write("service.json", $$"""{ "{{_section}}": { "A": "file", "B": "file", "C": "file", "D": "file" } }""");
        Environment.SetEnvironmentVariable($"MEDIOT_{_section}__B", "environment");
        Environment.SetEnvironmentVariable($"MEDIOT_{_section}__C", "environment");
        Environment.SetEnvironmentVariable($"MEDIOT_{_section}__D", "environment");
        try
        {
            var file = new SettingsFileSearch("--settings", null, "unused.json")
                .Find(["--settings", path, $"--{_section}:C=command-line", $"--{_section}:D=command-line"]);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. file.Arguments] });

            builder.AddSettingsFile(file, configuration => configuration.AddInMemoryCollection(
                new Dictionary<string, string?> { [$"{_section}:D"] = "test-hook" }));

            Assert.Equal("file", builder.Configuration[$"{_section}:A"]);
            Assert.Equal("environment", builder.Configuration[$"{_section}:B"]);
            Assert.Equal("command-line", builder.Configuration[$"{_section}:C"]);
            Assert.Equal("test-hook", builder.Configuration[$"{_section}:D"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"MEDIOT_{_section}__B", null);
            Environment.SetEnvironmentVariable($"MEDIOT_{_section}__C", null);
            Environment.SetEnvironmentVariable($"MEDIOT_{_section}__D", null);
        }
    }

    [Fact]
    public void A_missing_default_file_leaves_the_other_sources()
    {
        using var folder = TemporaryFolder.Create();
        var file = new SettingsFileSearch("--settings", null, Path.Combine(folder.Path, "absent.json")).Find([$"--{_section}:A=command-line"]);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        builder.AddSettingsFile(file);

        Assert.Equal("command-line", builder.Configuration[$"{_section}:A"]);
    }

    [Fact]
    public void A_named_file_that_does_not_exist_stops_the_build()
    {
        using var folder = TemporaryFolder.Create();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        Assert.Throws<FileNotFoundException>(() => builder.AddSettingsFile(SettingsFile.FromPath(Path.Combine(folder.Path, "absent.json"))));
    }

    [Fact]
    public void The_settings_file_is_registered_for_resolving_relative_paths()
    {
        using var folder = TemporaryFolder.Create();
        var file = SettingsFile.FromPath(folder.Write("service.json", "{}"));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        builder.AddSettingsFile(file);
        using var host = builder.Build();

        Assert.Same(file, host.Services.GetRequiredService<SettingsFile>());
    }

    [Fact]
    public void Console_logging_is_one_line_with_utc_timestamps_and_honours_the_Logging_section()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });

        builder.AddConsoleLogging();
        using var host = builder.Build();

        var console = host.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        Assert.True(console.SingleLine);
        Assert.True(console.UseUtcTimestamp);
        Assert.Equal("yyyy-MM-ddTHH:mm:ss.fffZ ", console.TimestampFormat);
        Assert.Equal(LoggerColorBehavior.Disabled, console.ColorBehavior);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MedIoT.Test");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void Outside_systemd_AddSystemdService_keeps_the_console_lifetime_and_the_timestamped_lines()
    {
        // The test host's parent is not systemd, so this is any process started by hand or by a test: the journald form and
        // the notify lifetime (Microsoft.Extensions.Hosting.Systemd) stay off. Under systemd they are on, which
        // tests/MedIoT.Release.Tests/Packages/SystemdNotifyTests proves on the real gateway.
        Assert.False(Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService());
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        builder.AddConsoleLogging();
        builder.AddSystemdService();
        using var host = builder.Build();

        Assert.IsType<Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>(host.Services.GetRequiredService<IHostLifetime>());
        Assert.Equal(ConsoleFormatterNames.Simple, host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }
}
