using System.Net;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.State;
using MedIoT.Ledger.Witness.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Options;

namespace MedIoT.Ledger.Witness.Tests.Configuration;

/// <summary>What the witness refuses to start with, and what it keeps across a restart.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("witness-start");
    private readonly TestLog _log;

    public StartupTests() => _log = TestLog.Create(_folder.Combine("log"), 64);

    [Fact]
    public async Task A_key_file_readable_by_others_is_refused()
    {
        var settings = InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);
        File.SetUnixFileMode(settings.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessWitness.StartAsync(settings));
        Assert.Contains("chmod 600", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_state_file_stops_the_start_instead_of_forgetting_what_was_cosigned()
    {
        var settings = InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);
        Directory.CreateDirectory(settings.StateFolder);
        await File.WriteAllTextAsync(Path.Combine(settings.StateFolder, CosignedStateStore.FileName(_log.Origin)), "not a note");

        var refusal = await Assert.ThrowsAsync<InvalidDataException>(() => InProcessWitness.StartAsync(settings));
        Assert.Contains("does not start without its state", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_settings_are_refused_with_the_setting_named()
    {
        var settings = InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);
        settings.Logs[0].Keys[0] = "not a key";
        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessWitness.StartAsync(settings));
        Assert.Contains("Witness:Logs:0:Keys:0", refusal.Message, StringComparison.Ordinal);

        settings = InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);
        settings.Name = "has space";
        refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => InProcessWitness.StartAsync(settings));
        Assert.Contains("Witness:Name", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cosigned_state_survives_a_restart()
    {
        var settings = InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);
        await using (var first = await InProcessWitness.StartAsync(settings))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.PostAsync(_log.Request(0, 40))).Status);
        }

        await using var second = await InProcessWitness.StartAsync(settings);
        Assert.Equal(40, (await second.PostAsync(_log.Request(0, 64))).ConflictSize());
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync(_log.Request(40, 64))).Status);
        second.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Keygen_writes_an_owner_only_key_file_and_prints_its_cosignature_vkey()
    {
        var keyFile = _folder.Combine("keys", "witness.jwk");

        var (exitCode, output, error) = await WitnessServerProcess.RunAsync("keygen", "--key", keyFile, "--name", "witness.mediot.example/w2");

        Assert.True(exitCode == 0, error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.True(WitnessKey.TryParse(output.Trim(), out var printed, out var parseError), parseError);
        using var key = PrivateKeyFile.Read(keyFile);
        Assert.Equal(WitnessKey.Create("witness.mediot.example/w2", key.PublicKey).ToString(), printed.ToString());

        // Never overwrites an existing key.
        var again = await WitnessServerProcess.RunAsync("keygen", "--key", keyFile, "--name", "witness.mediot.example/w2");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("Refusing to overwrite", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_process_refuses_a_bad_setting_with_one_line_naming_it_and_exit_code_2()
    {
        var settingsFile = WitnessServerProcess.WriteSettings(Directory.CreateDirectory(_folder.Combine("bad")).FullName, 0, "key/witness.jwk", _log.VerifierKey);
        var text = (await File.ReadAllTextAsync(settingsFile)).Replace(InProcessWitness.WitnessName, "has space", StringComparison.Ordinal);
        await File.WriteAllTextAsync(settingsFile, text);

        var (exitCode, _, error) = await WitnessServerProcess.RunAsync("--config", settingsFile);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Setting 'Witness:Name' = 'has space': is not a key name", line, StringComparison.Ordinal);
        Assert.EndsWith("MEDIOT_Witness__Name.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_process_refuses_a_missing_settings_file_with_exit_code_2()
    {
        var missing = _folder.Combine("missing.json");

        var (exitCode, _, error) = await WitnessServerProcess.RunAsync("--config", missing);

        Assert.Equal(2, exitCode);
        Assert.Equal($"error: The settings file '{missing}' does not exist.", error.Trim());
    }

    [Fact]
    public async Task The_process_resolves_relative_paths_against_the_settings_folder()
    {
        var folder = Directory.CreateDirectory(_folder.Combine("relative")).FullName;
        var keyFile = Path.Combine(folder, "key", "witness.jwk");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var key = Ed25519PrivateKey.Generate())
        {
            PrivateKeyFile.Write(keyFile, key);
        }

        var port = FreeTcpPort.Next();
        var settingsFile = WitnessServerProcess.WriteSettings(folder, port, "key/witness.jwk", _log.VerifierKey);

        // Started from another working folder: "key/witness.jwk", "state" and "evidence" must still be found beside the settings file.
        await using (var witness = await ServerProcess.StartAsync("mediot-witness", "dotnet", [WitnessServerProcess.AssemblyPath, "--config", settingsFile],
            "mediot-witness listening on", TimeSpan.FromSeconds(60), _folder.Path, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }))
        {
            await witness.StopAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(Directory.Exists(Path.Combine(folder, "state")));
        Assert.True(Directory.Exists(Path.Combine(folder, "evidence")));
    }

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }
}
