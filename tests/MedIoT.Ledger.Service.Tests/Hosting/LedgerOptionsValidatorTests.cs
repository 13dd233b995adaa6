using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Hosting;

public sealed class LedgerOptionsValidatorTests
{
    [Fact]
    public void The_shipped_defaults_are_valid()
    {
        Assert.True(new LedgerOptionsValidator().Validate(null, new LedgerOptions()).Succeeded);
    }

    [Fact]
    public void An_origin_that_is_not_a_key_name_is_refused()
    {
        var failure = SingleFailure(new LedgerOptions { Origin = "has space" });

        Assert.StartsWith("Setting 'Ledger:Origin' = 'has space': is not a valid key name", failure, StringComparison.Ordinal);
        Assert.EndsWith("MEDIOT_Ledger__Origin.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused()
    {
        var failure = SingleFailure(new LedgerOptions { Storage = { Provider = LedgerStorageProvider.Postgres } });

        Assert.StartsWith("Setting 'Ledger:Storage:PostgresConnectionString' = '(empty)': is empty but Ledger:Storage:Provider is Postgres", failure,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_needing_more_witnesses_than_configured_is_refused()
    {
        var failure = SingleFailure(new LedgerOptions { RequiredCosignatures = 1 });

        Assert.StartsWith("Setting 'Ledger:RequiredCosignatures' = '1': is more than the 0 witnesses configured in Ledger:Witnesses.", failure,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Each_witness_needs_a_cosignature_key_and_an_http_url()
    {
        var options = new LedgerOptions();
        options.Witnesses.Add(new WitnessOptions { VerifierKey = "not a key", Url = new Uri("ftp://witness.example/") });

        var failures = new LedgerOptionsValidator().Validate(null, options).Failures!.ToArray();

        Assert.Equal(2, failures.Length);
        Assert.StartsWith("Setting 'Ledger:Witnesses:0:VerifierKey' = 'not a key': does not parse as a cosignature/v1 key", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Setting 'Ledger:Witnesses:0:Url' = 'ftp://witness.example/': must be an absolute http(s) URL", failures[1], StringComparison.Ordinal);
        Assert.EndsWith("MEDIOT_Ledger__Witnesses__0__Url.", failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_witness_listed_twice_is_refused()
    {
        using var key = Ed25519PrivateKey.Generate();
        var vkey = WitnessKey.Create("witness.example/w1", key.PublicKey).ToString();
        var options = new LedgerOptions();
        options.Witnesses.Add(new WitnessOptions { VerifierKey = vkey, Url = new Uri("http://w1.example:8091/") });
        options.Witnesses.Add(new WitnessOptions { VerifierKey = vkey, Url = new Uri("http://w1.example:8092/") });

        var failure = SingleFailure(options);

        Assert.StartsWith("Setting 'Ledger:Witnesses:1:VerifierKey' = ", failure, StringComparison.Ordinal);
        Assert.Contains("names the witness 'witness.example/w1', which is listed twice", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new LedgerOptions { QueueCapacity = 0, RequiredCosignatures = 2, Origin = "a+b" };

        Assert.Equal(3, new LedgerOptionsValidator().Validate(null, options).Failures!.Count());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_alarm_password_file_resolves_against_the_settings_folder_and_must_be_owner_only()
    {
        using var folder = TemporaryDirectory.Create("ledger-alarm-account");
        var options = new LedgerOptions { Alarm = { Mqtt = new LedgerAlarmMqttOptions { PasswordFile = "mediot-ledger.password" } } };
        var validator = new LedgerOptionsValidator(folder.Path);

        var missing = Assert.Single(validator.Validate(null, options).Failures!);
        Assert.StartsWith("Setting 'Ledger:Alarm:Mqtt:PasswordFile' = '(hidden)'", missing, StringComparison.Ordinal);
        Assert.Contains($"'{folder.Combine("mediot-ledger.password")}' does not exist", missing, StringComparison.Ordinal);

        SecretFile.Write(folder.Combine("mediot-ledger.password"), "correct-horse-battery-staple");
        Assert.True(validator.Validate(null, options).Succeeded);
        Assert.Equal(folder.Combine("mediot-ledger.password"), validator.PasswordFilePath(options.Alarm.Mqtt!));

        File.SetUnixFileMode(folder.Combine("mediot-ledger.password"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var open = Assert.Single(validator.Validate(null, options).Failures!);
        Assert.Contains("chmod 600", open, StringComparison.Ordinal);
        Assert.DoesNotContain("correct-horse-battery-staple", open, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alarm_password_and_a_password_file_together_are_refused_without_showing_the_password()
    {
        using var folder = TemporaryDirectory.Create("ledger-alarm-account");
        SecretFile.Write(folder.Combine("p"), "from-the-file");
        var options = new LedgerOptions { Alarm = { Mqtt = new LedgerAlarmMqttOptions { PasswordFile = folder.Combine("p"), Password = "from-the-environment" } } };

        var failure = SingleFailure(options);

        Assert.StartsWith("Setting 'Ledger:Alarm:Mqtt:Password' = '(hidden)': is set and so is Ledger:Alarm:Mqtt:PasswordFile", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("from-the-environment", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alarm_password_without_a_user_name_is_refused()
    {
        var failure = SingleFailure(new LedgerOptions { Alarm = { Mqtt = new LedgerAlarmMqttOptions { Username = "", Password = "secret" } } });

        Assert.StartsWith("Setting 'Ledger:Alarm:Mqtt:Username' = '(empty)': is empty but a password is set", failure, StringComparison.Ordinal);
    }

    private static string SingleFailure(LedgerOptions options)
    {
        var result = new LedgerOptionsValidator().Validate(null, options);
        return Assert.Single(result.Failures!);
    }
}
