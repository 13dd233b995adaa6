using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Configuration;

public sealed class SerialSettingsValidationTests
{
    private static async Task<Exception> StartWithAsync(TemporaryDirectory folder, Dictionary<string, string?> settings)
    {
        WardProvisioner.Provision(folder.Path, "7A", 1);
        settings["Gateway:DeviceRegistryPath"] = folder.Combine(WardProvisioner.RegistryFileName);
        settings["Gateway:Identity:KeyFile"] = folder.Combine("identity", "gateway-key.jwk");
        settings["Gateway:Serial:StateFolder"] = folder.Combine("state");
        settings["Gateway:Journal:Folder"] = folder.Combine("state", "journal");
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(settings));
        builder.Logging.ClearProviders();
        using var host = builder.Build();
        return await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
    }

    [Theory]
    [InlineData("DevicePath", "ttyUSB0", "must be an absolute path")]
    [InlineData("BaudRate", "4800", "must be one of 9600, 19200, 38400, 57600, 115200")]
    [InlineData("DataBits", "6", "must be 7 or 8")]
    [InlineData("StopBits", "3", "must be 1 or 2")]
    [InlineData("DeviceId", "bad id", "must be a registered device id")]
    [InlineData("NoDataTimeoutSeconds", "0", "between 1 and 3600")]
    public async Task A_bad_port_setting_stops_the_start_naming_the_setting_its_value_and_the_fix(string setting, string value, string expected)
    {
        using var folder = TemporaryDirectory.Create("serial-settings");
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Serial:Ports:0:DevicePath"] = "/dev/serial/by-id/usb-test",
            ["Gateway:Serial:Ports:0:DeviceId"] = "ward7a-bed01-spo2",
            [$"Gateway:Serial:Ports:0:{setting}"] = value,
        };

        var exception = Assert.IsType<OptionsValidationException>(await StartWithAsync(folder, settings));

        Assert.Contains($"Setting 'Gateway:Serial:Ports:0:{setting}' = '{value}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains($"MEDIOT_Gateway__Serial__Ports__0__{setting}", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ward9-bed01-spo2", "Signed", "not in the device registry")]
    [InlineData("ward7a-bed01-spo2", "Masimo", "needs a device registered as \"gateway-attested\"")]
    public async Task A_port_whose_device_does_not_fit_the_registry_stops_the_start(string deviceId, string protocol, string expected)
    {
        using var folder = TemporaryDirectory.Create("serial-settings");
        var exception = await StartWithAsync(folder, new Dictionary<string, string?>
        {
            ["Gateway:Serial:Ports:0:DevicePath"] = "/dev/serial/by-id/usb-test",
            ["Gateway:Serial:Ports:0:DeviceId"] = deviceId,
            ["Gateway:Serial:Ports:0:Protocol"] = protocol,
        });

        Assert.IsType<InvalidOperationException>(exception);
        Assert.Contains("Gateway:Serial:Ports:0:DeviceId", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
