namespace MedIoT.Hosting.Tests;

public sealed class SettingsFileSearchTests
{
    // A variable of this test's own, so that tests running in parallel never see each other's.
    private readonly string _variable = $"MEDIOT_TEST_SETTINGS_{Guid.NewGuid():N}";

    [Fact]
    public void The_option_wins_over_the_environment_variable()
    {
        Environment.SetEnvironmentVariable(_variable, "/etc/mediot/from-environment.json");
        try
        {
            var file = new SettingsFileSearch("--settings", _variable, "configs/service.json").Find(["--settings", "/etc/mediot/from-option.json"]);

            Assert.Equal("/etc/mediot/from-option.json", file.Path);
            Assert.True(file.IsRequired);
            Assert.Equal("/etc/mediot", file.Folder);
        }
        finally
        {
            Environment.SetEnvironmentVariable(_variable, null);
        }
    }

    [Fact]
    public void The_environment_variable_is_used_when_the_option_is_absent()
    {
        Environment.SetEnvironmentVariable(_variable, "/etc/mediot/from-environment.json");
        try
        {
            var file = new SettingsFileSearch("--settings", _variable, "configs/service.json").Find(["--Service:Port=1"]);

            Assert.Equal("/etc/mediot/from-environment.json", file.Path);
            Assert.True(file.IsRequired);
        }
        finally
        {
            Environment.SetEnvironmentVariable(_variable, null);
        }
    }

    [Fact]
    public void Without_option_or_variable_the_default_is_used_and_may_be_missing()
    {
        var file = new SettingsFileSearch("--settings", _variable, Path.Combine("configs", "service.json")).Find([]);

        Assert.Equal(Path.GetFullPath(Path.Combine("configs", "service.json")), file.Path);
        Assert.False(file.IsRequired);
        file.ThrowIfMissing();
    }

    [Fact]
    public void An_empty_environment_variable_counts_as_unset()
    {
        Environment.SetEnvironmentVariable(_variable, string.Empty);
        var file = new SettingsFileSearch("--settings", _variable, "service.json").Find([]);

        Assert.False(file.IsRequired);
    }

    [Fact]
    public void The_option_and_its_path_leave_the_command_line_and_the_last_option_wins()
    {
        var file = new SettingsFileSearch("--settings", null, "service.json")
            .Find(["--Service:Port=1", "--settings", "/a/first.json", "--settings", "/b/second.json", "--Service:Host=h"]);

        Assert.Equal("/b/second.json", file.Path);
        Assert.Equal(["--Service:Port=1", "--Service:Host=h"], file.Arguments);
    }

    [Fact]
    public void An_option_with_no_path_after_it_stays_in_the_command_line()
    {
        var file = new SettingsFileSearch("--settings", null, "service.json").Find(["--settings"]);

        Assert.False(file.IsRequired);
        Assert.Equal(["--settings"], file.Arguments);
    }

    [Fact]
    public void A_named_file_that_does_not_exist_is_refused_with_its_full_path()
    {
        using var folder = TemporaryFolder.Create();
        var missing = Path.Combine(folder.Path, "missing.json");

        var refusal = Assert.Throws<FileNotFoundException>(() => SettingsFile.FromPath(missing).ThrowIfMissing());

        Assert.Equal($"The settings file '{missing}' does not exist.", refusal.Message);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_settings_folder_and_absolute_ones_stay()
    {
        var file = SettingsFile.FromPath("/etc/mediot/witness.json");

        Assert.Equal("/etc/mediot/keys/witness.jwk", file.Resolve("keys/witness.jwk"));
        Assert.Equal("/var/lib/state", file.Resolve("/var/lib/state"));
        Assert.Equal(string.Empty, file.Resolve(string.Empty));
        Assert.Empty(file.Arguments);
    }
}
