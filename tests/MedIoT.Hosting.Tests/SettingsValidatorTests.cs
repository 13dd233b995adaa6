using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedIoT.Hosting.Tests;

public sealed class SettingsValidatorTests
{
    [Fact]
    public void A_data_annotation_failure_names_the_setting_its_value_and_the_environment_variable()
    {
        var result = new SettingsValidator<PumpOptions>("Ward:Pump").Validate(null, new PumpOptions { RatePerHour = 0 });

        var message = Assert.Single(result.Failures!);
        Assert.Equal("Setting 'Ward:Pump:RatePerHour' = '0': The field RatePerHour must be between 1 and 1000. " +
            "Fix it in the settings file or with the environment variable MEDIOT_Ward__Pump__RatePerHour.", message);
    }

    [Fact]
    public void Valid_settings_pass()
    {
        Assert.True(new PumpOptionsValidator().Validate(null, new PumpOptions()).Succeeded);
    }

    [Fact]
    public void Cross_field_checks_of_a_derived_validator_use_the_same_form()
    {
        var result = new PumpOptionsValidator().Validate(null, new PumpOptions { MaximumRatePerHour = 10, RatePerHour = 20 });

        Assert.Equal(["Setting 'Ward:Pump:MaximumRatePerHour' = '10': must not be less than RatePerHour (20). " +
            "Fix it in the settings file or with the environment variable MEDIOT_Ward__Pump__MaximumRatePerHour."], result.Failures);
    }

    [Fact]
    public void Entries_of_lists_are_named_by_their_index()
    {
        var options = new PumpOptions();
        options.Channels.Add("ok");
        options.Channels.Add("has space");

        var message = Assert.Single(new PumpOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("Setting 'Ward:Pump:Channels:1' = 'has space': must not contain spaces.", message, StringComparison.Ordinal);
        Assert.EndsWith("MEDIOT_Ward__Pump__Channels__1.", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Passwords_secrets_tokens_and_connection_strings_are_hidden_and_empty_values_named()
    {
        var options = new PumpOptions { Name = null, Password = "hunter2", ApiToken = "t0ken", ConnectionString = "Host=db;Password=x" };

        var failures = new PumpOptionsValidator().Validate(null, options).Failures!.ToArray();

        Assert.Contains(failures, f => f.StartsWith("Setting 'Ward:Pump:Name' = '(empty)': The Name field is required.", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Setting 'Ward:Pump:Password' = '(hidden)': ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Setting 'Ward:Pump:ApiToken' = '(hidden)': ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Setting 'Ward:Pump:ConnectionString' = '(hidden)': ", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("hunter2", StringComparison.Ordinal) || f.Contains("t0ken", StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfInvalid_reports_every_problem_on_one_line()
    {
        var refusal = Assert.Throws<OptionsValidationException>(() =>
            new PumpOptionsValidator().ThrowIfInvalid(new PumpOptions { RatePerHour = 0, MaximumRatePerHour = 2000 }));

        Assert.Equal(2, refusal.Failures.Count());
        Assert.DoesNotContain('\n', refusal.Message);
        Assert.Contains("Ward:Pump:RatePerHour", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Ward:Pump:MaximumRatePerHour", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetValidated_binds_the_section_over_the_defaults_and_checks_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ward:Pump:RatePerHour"] = "30",
        }).Build();

        var options = new PumpOptionsValidator().GetValidated(configuration);

        Assert.Equal(30, options.RatePerHour);
        Assert.Equal(500, options.MaximumRatePerHour);
    }

    [Fact]
    public void GetValidated_refuses_a_bad_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ward:Pump:RatePerHour"] = "600",
        }).Build();

        var refusal = Assert.Throws<OptionsValidationException>(() => new PumpOptionsValidator().GetValidated(configuration));
        Assert.Contains("Setting 'Ward:Pump:MaximumRatePerHour' = '500'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registered_settings_are_checked_when_the_host_starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ward:Pump:RatePerHour"] = "0" });
        builder.Services.AddValidatedSettings(builder.Configuration, new PumpOptionsValidator());
        using var host = builder.Build();

        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Setting 'Ward:Pump:RatePerHour' = '0'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_with_annotations_only_need_no_validator_class()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ward:Pump:RatePerHour"] = "7" });
        builder.Services.AddValidatedSettings<PumpOptions>(builder.Configuration, "Ward:Pump");
        using var host = builder.Build();

        await host.StartAsync();

        Assert.Equal(7, host.Services.GetRequiredService<IOptions<PumpOptions>>().Value.RatePerHour);
        await host.StopAsync();
    }

    public sealed class PumpOptions
    {
        [Required]
        public string? Name { get; set; } = "pump";

        [Range(1, 1000)]
        public int RatePerHour { get; set; } = 10;

        public int MaximumRatePerHour { get; set; } = 500;

        public List<string> Channels { get; } = [];

        public string? Password { get; set; }

        public string? ApiToken { get; set; }

        public string? ConnectionString { get; set; }
    }

    private sealed class PumpOptionsValidator() : SettingsValidator<PumpOptions>("Ward:Pump")
    {
        protected override void Check(PumpOptions options, SettingProblems problems)
        {
            if (options.MaximumRatePerHour < options.RatePerHour)
            {
                problems.Add(nameof(options.MaximumRatePerHour), options.MaximumRatePerHour, $"must not be less than RatePerHour ({options.RatePerHour}).");
            }

            if (options.MaximumRatePerHour > 1000)
            {
                problems.Add(nameof(options.MaximumRatePerHour), options.MaximumRatePerHour, "must be at most 1000.");
            }

            for (var i = 0; i < options.Channels.Count; i++)
            {
                if (options.Channels[i].Contains(' ', StringComparison.Ordinal))
                {
                    problems.Add($"Channels:{i}", options.Channels[i], "must not contain spaces.");
                }
            }

            foreach (var (name, value) in new[] { ("Password", options.Password), ("ApiToken", options.ApiToken), ("ConnectionString", options.ConnectionString) })
            {
                if (value is not null)
                {
                    problems.Add(name, value, "is refused by this test.");
                }
            }
        }
    }
}
