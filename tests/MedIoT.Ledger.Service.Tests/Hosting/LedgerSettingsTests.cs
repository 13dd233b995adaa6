using System.Net;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MedIoT.Ledger.Service.Tests.Hosting;

public sealed class LedgerSettingsTests
{
    [Fact]
    public async Task The_shipped_settings_file_starts_a_ledger()
    {
        using var folder = TemporaryDirectory.Create("ledger-settings");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var overrides = TestLedger.Settings(folder.Path);
        foreach (var key in overrides.Keys.Where(k => k.StartsWith("Ledger:Storage:Postgres", StringComparison.Ordinal) || k == "Ledger:Storage:Provider").ToArray())
        {
            overrides.Remove(key);
        }

        await using var server = await LedgerServer.StartAsync(["--settings", Path.Combine(RepositoryLayout.Configs, "ledger.json")],
            configuration => configuration.AddInMemoryCollection(overrides));
        using var http = new HttpClient { BaseAddress = server.Url };
        using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"origin\":\"mediot.example/ledger\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await server.StopAsync();
    }

    [Fact]
    public async Task A_policy_needing_more_witnesses_than_configured_is_refused_at_start()
    {
        using var folder = TemporaryDirectory.Create("ledger-settings");
        TestLedger.WriteRegistry(folder.Path, []);
        var settings = TestLedger.Settings(folder.Path);
        settings["Ledger:RequiredCosignatures"] = "1";
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => TestLedger.StartAsync(settings));
        Assert.Contains("Ledger:RequiredCosignatures", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_process_refuses_to_start_without_its_registry_with_one_line_and_exit_code_2()
    {
        using var folder = TemporaryDirectory.Create("ledger-settings");
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "mediot-ledger.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (key, value) in TestLedger.Settings(folder.Path))
        {
            startInfo.Environment["MEDIOT_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(2, process.ExitCode);
        var message = await error;
        Assert.StartsWith("mediot-ledger: The gateway registry", message, StringComparison.Ordinal);
        Assert.Contains("Ledger:RegistryFile", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_stops_the_process_with_one_line_naming_it_and_exit_code_2_before_any_file_is_written()
    {
        using var folder = TemporaryDirectory.Create("ledger-settings");
        TestLedger.WriteRegistry(folder.Path, []);
        var settings = TestLedger.Settings(folder.Path);
        settings["Ledger:QueueCapacity"] = "0";

        var (exitCode, error) = await RunProcessAsync(settings);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mediot-ledger: Setting 'Ledger:QueueCapacity' = '0': ", line, StringComparison.Ordinal);
        Assert.EndsWith("Fix it in the settings file or with the environment variable MEDIOT_Ledger__QueueCapacity.", line, StringComparison.Ordinal);
        Assert.False(File.Exists(settings["Ledger:KeyFile"]), "the key file was created on a start that could not succeed");
        Assert.False(File.Exists(settings["Ledger:Storage:SqlitePath"]), "the database was created on a start that could not succeed");
    }

    [Fact]
    public async Task A_settings_file_named_on_the_command_line_must_exist()
    {
        using var folder = TemporaryDirectory.Create("ledger-settings");
        var missing = Path.Combine(folder.Path, "missing.json");

        var refusal = await Assert.ThrowsAsync<FileNotFoundException>(() => LedgerServer.StartAsync(["--settings", missing]));

        Assert.Contains(missing, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relative_paths_in_the_settings_file_resolve_against_its_folder()
    {
        using var folder = TemporaryDirectory.Create("ledger-settings");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var settingsPath = Path.Combine(folder.Path, "ledger.json");
        await File.WriteAllTextAsync(settingsPath, """
            { "Ledger": { "Url": "http://127.0.0.1:0", "KeyFile": "keys/ledger-key.jwk", "RegistryFile": "ledger-gateways.json",
                          "Storage": { "Provider": "Sqlite", "SqlitePath": "data/ledger.db" } },
              "Logging": { "LogLevel": { "Default": "Warning" } } }
            """);

        await using (var server = await LedgerServer.StartAsync(["--settings", settingsPath]))
        {
            await server.StopAsync();
        }

        Assert.True(File.Exists(Path.Combine(folder.Path, "keys", "ledger-key.jwk")));
        Assert.True(File.Exists(Path.Combine(folder.Path, "data", "ledger.db")));
    }

    private static async Task<(int ExitCode, string Error)> RunProcessAsync(Dictionary<string, string?> settings)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "mediot-ledger.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (key, value) in settings)
        {
            startInfo.Environment["MEDIOT_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }
}
