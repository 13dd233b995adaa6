using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Configuration;

/// <summary>Settings of Gateway:Alerts are validated at start with messages naming the setting and the fix.</summary>
public sealed class AlertSettingsValidationTests
{
    [Theory]
    [InlineData("Gateway:Alerts:InputCapacity", "10", "Gateway:Alerts:InputCapacity")]
    [InlineData("Gateway:Alerts:TopicPrefix", "mediot/+/v1", "Gateway:Alerts:TopicPrefix")]
    [InlineData("Gateway:Alerts:RetryMaximumDelayMilliseconds", "200", "must not be less than RetryInitialDelayMilliseconds")]
    [InlineData("Gateway:Alerts:EscalationRecipients:0", "nurse in charge", "each recipient")]
    [InlineData("Gateway:Alerts:Webhooks:0:Url", "https://ward.example/hooks", "needs exactly one of SecretFile and SecretEnvironmentVariable")]
    [InlineData("Gateway:Alerts:Webhooks:0:Name", "ward hooks!", "Gateway:Alerts:Webhooks:0:Name")]
    [InlineData("Gateway:Alerts:Webhooks:0:EscalationLevel", "11", "Gateway:Alerts:Webhooks:0:EscalationLevel")]
    [InlineData("Gateway:Alerts:Webhooks:0:EscalationLevel", "-1", "must be 0 (every event) to 10")]
    [InlineData("Gateway:Alerts:Webhooks:0:Ward", "ward/7A", "Gateway:Alerts:Webhooks:0:Ward")]
    public async Task A_bad_alert_setting_stops_the_start_naming_the_setting(string key, string value, string expected)
    {
        using var folder = TemporaryDirectory.Create("alert-settings");
        WardProvisioner.Provision(folder.Path, "7A", 1);
        using var host = Build(folder, new Dictionary<string, string?> { [key] = value });

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("MEDIOT_Gateway__Alerts__", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_invalid_rules_file_stops_the_start_naming_the_file()
    {
        using var folder = TemporaryDirectory.Create("alert-settings");
        WardProvisioner.Provision(folder.Path, "7A", 1);
        using (var host = Build(folder, new Dictionary<string, string?> { ["Gateway:Alerts:RulesPath"] = folder.Combine("missing-rules.json") }))
        {
            var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => host.StartAsync());
            Assert.Contains("missing-rules.json", missing.Message, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(folder.Combine("rules.json"), "{ \"version\": 2 }");
        using var invalid = Build(folder, new Dictionary<string, string?> { ["Gateway:Alerts:RulesPath"] = folder.Combine("rules.json") });
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => invalid.StartAsync());
        Assert.Contains("rules.json", exception.Message, StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Hosting.IHost Build(TemporaryDirectory folder, Dictionary<string, string?> settings)
    {
        settings["Gateway:DeviceRegistryPath"] = folder.Combine(WardProvisioner.RegistryFileName);
        settings["Gateway:Http:Url"] = "http://127.0.0.1:0";
        settings["Gateway:Journal:Folder"] = folder.Combine("state", "journal");
        settings["Gateway:Identity:KeyFile"] = folder.Combine("state", "identity", "gateway-key.jwk");
        settings["Gateway:Serial:StateFolder"] = folder.Combine("state", "serial");
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(settings));
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
