using System.Net;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;

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
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => TestLedger.StartAsync(settings));
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
}
