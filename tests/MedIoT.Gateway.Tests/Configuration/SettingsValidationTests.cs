using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Configuration;

public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Gateway:Mqtt:Port", "0", "must be between 1 and 65535")]
    [InlineData("Gateway:Influx:BatchSize", "0", "BatchSize")]
    [InlineData("Gateway:GatewayId", "bad id!", "GatewayId")]
    [InlineData("Gateway:Influx:Url", "ftp://example/", "absolute http://")]
    [InlineData("Gateway:Ingestion:MaxFrameBytes", "10", "MaxFrameBytes")]
    [InlineData("Gateway:Memory:MallocArenas", "65", "MallocArenas")]
    [InlineData("Gateway:Memory:TrimIntervalSeconds", "-1", "TrimIntervalSeconds")]
    public async Task A_bad_setting_stops_the_start_with_a_message_naming_it_its_value_and_the_fix(string key, string value, string expected)
    {
        using var folder = TemporaryDirectory.Create("settings");
        WardProvisioner.Provision(folder.Path, "7A", 1);
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DeviceRegistryPath"] = folder.Combine(WardProvisioner.RegistryFileName),
            [key] = value,
        }));
        builder.Logging.ClearProviders();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"Setting '{key}' = '{value}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("MEDIOT_" + key.Replace(":", "__", StringComparison.Ordinal), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_device_registry_stops_the_start_and_says_how_to_create_one()
    {
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DeviceRegistryPath"] = "/nonexistent/devices.json",
        }));
        builder.Logging.ClearProviders();

        var exception = await Assert.ThrowsAsync<FileNotFoundException>(async () =>
        {
            using var host = builder.Build();
            await host.StartAsync();
        });

        Assert.Contains("/nonexistent/devices.json", exception.Message, StringComparison.Ordinal);
    }
}
