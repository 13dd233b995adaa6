using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Configuration;

/// <summary><c>Gateway:Attached</c> is checked at start: a wrong sensor stops the gateway with the setting, its value and the fix.</summary>
public sealed class AttachedSettingsValidationTests
{
    private const string Sensor = "Gateway:Attached:Sensors:0:";

    private static async Task<Exception> StartWithAsync(TemporaryDirectory folder, Dictionary<string, string?> settings)
    {
        WardProvisioner.Provision(folder.Path, "7A", 1, attachedBeds: ["03"]);
        settings["Gateway:DeviceRegistryPath"] = folder.Combine(WardProvisioner.RegistryFileName);
        settings["Gateway:Identity:KeyFile"] = folder.Combine("identity", "gateway-key.jwk");
        settings["Gateway:Attached:StateFolder"] = folder.Combine("state", "attached");
        settings["Gateway:Journal:Folder"] = folder.Combine("state", "journal");
        var builder = GatewayHost.CreateBuilder([], configuration => configuration.AddInMemoryCollection(settings));
        builder.Logging.ClearProviders();
        using var host = builder.Build();
        return await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
    }

    private static Dictionary<string, string?> Scale() => new()
    {
        [Sensor + "Name"] = "bed03-scale",
        [Sensor + "Kind"] = "BedScale",
        [Sensor + "DeviceId"] = "ward7a-bed03-scale",
        [Sensor + "DataPin"] = "5",
        [Sensor + "ClockPin"] = "6",
        [Sensor + "CalibrationPath"] = "bed03-scale.calibration.json",
    };

    [Theory]
    [InlineData("Name", "bed 03", "must be 1–64 of A–Z a–z 0–9 . _ -")]
    [InlineData("DataPin", "64", "must be a GPIO line between 0 and 63")]
    [InlineData("ClockPin", "5", "is used twice on the same GPIO chip")]
    [InlineData("CalibrationPath", "", "is required for a bed scale")]
    [InlineData("GpioChip", "16", "must be between 0 and 15")]
    [InlineData("SampleIntervalMilliseconds", "50", "must be 0 (the kind's default) or between 100 and 600000")]
    [InlineData("Bus", "Simulated", "is required on the simulated bus")]
    public async Task A_bad_sensor_setting_stops_the_start_naming_the_setting_its_value_and_the_fix(string setting, string value, string expected)
    {
        using var folder = TemporaryDirectory.Create("attached-settings");
        var settings = Scale();
        settings[Sensor + setting] = value;

        var exception = Assert.IsType<OptionsValidationException>(await StartWithAsync(folder, settings));

        var named = setting == "Bus" ? "SimulationStatePath" : setting;
        Assert.Contains($"Setting 'Gateway:Attached:Sensors:0:{named}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_button_needs_its_bed_and_a_thermometer_a_7_bit_address()
    {
        using var folder = TemporaryDirectory.Create("attached-settings");
        var exception = Assert.IsType<OptionsValidationException>(await StartWithAsync(folder, new Dictionary<string, string?>
        {
            [Sensor + "Name"] = "bed03-call",
            [Sensor + "Kind"] = "CallButton",
            [Sensor + "Pin"] = "17",
            ["Gateway:Attached:Sensors:1:Name"] = "bed03-thermometer",
            ["Gateway:Attached:Sensors:1:Kind"] = "Thermometer",
            ["Gateway:Attached:Sensors:1:DeviceId"] = "ward7a-bed03-thermometer",
            ["Gateway:Attached:Sensors:1:Address"] = "200",
        }));

        Assert.Contains("are required for a call button", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Setting 'Gateway:Attached:Sensors:1:Address' = '200'", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ward9-bed03-scale", "not in the device registry")]
    [InlineData("ward7a-bed01-spo2", "must be registered as \"gateway-attested\"")]
    public async Task A_sensor_whose_device_does_not_fit_the_registry_stops_the_start(string deviceId, string expected)
    {
        using var folder = TemporaryDirectory.Create("attached-settings");
        var settings = Scale();
        settings[Sensor + "DeviceId"] = deviceId;

        var exception = await StartWithAsync(folder, settings);

        Assert.Contains($"Setting 'Gateway:Attached:Sensors:0:DeviceId' = '{deviceId}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
