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
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_broker_password_file_open_to_others_stops_the_start_naming_the_file_and_the_fix_never_the_password()
    {
        using var folder = TemporaryDirectory.Create("settings");
        WardProvisioner.Provision(folder.Path, "7A", 1, serviceAccounts: [BrokerAccounts.Gateway]);
        var passwordFile = BrokerAccounts.ServicePasswordPath(folder.Path, BrokerAccounts.Gateway);
        var password = MedIoT.Cryptography.SecretFile.Read(passwordFile);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var exception = await StartRefusedAsync(folder, new() { ["Gateway:Mqtt:PasswordFile"] = passwordFile });

        Assert.Contains("Setting 'Gateway:Mqtt:PasswordFile' = '(hidden)'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(passwordFile, exception.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_broker_password_file_stops_the_start_naming_the_file()
    {
        using var folder = TemporaryDirectory.Create("settings");
        WardProvisioner.Provision(folder.Path, "7A", 1);

        var exception = await StartRefusedAsync(folder, new() { ["Gateway:Mqtt:PasswordFile"] = folder.Combine("nope.password") });

        Assert.Contains($"'{folder.Combine("nope.password")}' does not exist", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_password_and_a_password_file_together_are_refused_without_showing_the_password()
    {
        using var folder = TemporaryDirectory.Create("settings");
        WardProvisioner.Provision(folder.Path, "7A", 1, serviceAccounts: [BrokerAccounts.Gateway]);

        var exception = await StartRefusedAsync(folder, new()
        {
            ["Gateway:Mqtt:PasswordFile"] = BrokerAccounts.ServicePasswordPath(folder.Path, BrokerAccounts.Gateway),
            ["Gateway:Mqtt:Password"] = "from-the-environment",
        });

        Assert.Contains("Setting 'Gateway:Mqtt:Password' = '(hidden)': is set and so is Gateway:Mqtt:PasswordFile", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("from-the-environment", exception.Message, StringComparison.Ordinal);
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

    private static async Task<OptionsValidationException> StartRefusedAsync(TemporaryDirectory folder, Dictionary<string, string?> settings)
    {
        settings["Gateway:DeviceRegistryPath"] = folder.Combine(WardProvisioner.RegistryFileName);
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(settings));
        builder.Logging.ClearProviders();
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
