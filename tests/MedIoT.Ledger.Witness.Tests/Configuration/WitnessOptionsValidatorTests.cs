using MedIoT.Ledger.Witness.Configuration;

namespace MedIoT.Ledger.Witness.Tests.Configuration;

public sealed class WitnessOptionsValidatorTests
{
    private const string LedgerKey = "mediot.example/ledger+d19395e3+AQ+QewX97T4zKPiQlBj5rJDgqQ4fKbJn6scLmJoBzKSj";

    [Fact]
    public void Complete_settings_are_valid()
    {
        Assert.True(new WitnessOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Required_settings_are_named_with_their_environment_variable()
    {
        var failures = new WitnessOptionsValidator().Validate(null, new WitnessOptions()).Failures!.ToArray();

        Assert.Contains(failures, f => f == "Setting 'Witness:Name' = '(empty)': The Name field is required. " +
            "Fix it in the settings file or with the environment variable MEDIOT_Witness__Name.");
        Assert.Contains(failures, f => f.StartsWith("Setting 'Witness:KeyFile' = '(empty)': ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Setting 'Witness:Logs' = '(empty)': ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_that_is_not_a_key_name_is_refused()
    {
        var options = Valid();
        options.Name = "has space";

        var failure = Assert.Single(new WitnessOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("Setting 'Witness:Name' = 'has space': is not a key name", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_plain_http_is_served()
    {
        var options = Valid();
        options.Url = new Uri("https://127.0.0.1:8443");

        var failure = Assert.Single(new WitnessOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("Setting 'Witness:Url' = 'https://127.0.0.1:8443/': must be http://address:port; put TLS in a reverse proxy in front.", failure,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Each_trusted_log_needs_an_origin_once_and_keys_that_parse()
    {
        var options = Valid();
        options.Logs.Add(new TrustedLogOptions { Origin = "mediot.example/ledger", Keys = { "not a key" } });
        options.Logs.Add(new TrustedLogOptions { Origin = "" });

        var failures = new WitnessOptionsValidator().Validate(null, options).Failures!.ToArray();

        Assert.Equal(4, failures.Length);
        Assert.StartsWith("Setting 'Witness:Logs:1:Origin' = 'mediot.example/ledger': appears twice", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Setting 'Witness:Logs:1:Keys:0' = 'not a key': is not a C2SP Ed25519 verifier key", failures[1], StringComparison.Ordinal);
        Assert.EndsWith("MEDIOT_Witness__Logs__1__Keys__0.", failures[1], StringComparison.Ordinal);
        Assert.StartsWith("Setting 'Witness:Logs:2:Origin' = '(empty)': is not a checkpoint origin line", failures[2], StringComparison.Ordinal);
        Assert.StartsWith("Setting 'Witness:Logs:2:Keys' = '(empty)': is empty", failures[3], StringComparison.Ordinal);
    }

    [Fact]
    public void A_trusted_key_named_after_another_origin_is_refused()
    {
        // The key of 'mediot.example/ledger' listed for another log would vouch for checkpoints of that log.
        var options = Valid();
        options.Logs.Add(new TrustedLogOptions { Origin = "mediot.example/ledger-b", Keys = { LedgerKey } });

        var failure = Assert.Single(new WitnessOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith($"Setting 'Witness:Logs:1:Keys:0' = '{LedgerKey}': is named 'mediot.example/ledger', not the log's origin 'mediot.example/ledger-b'",
            failure, StringComparison.Ordinal);
    }

    private static WitnessOptions Valid()
    {
        var options = new WitnessOptions
        {
            Name = "witness.mediot.example/w1",
            KeyFile = "key/witness.jwk",
            StateFolder = "state",
            EvidenceFolder = "evidence",
        };
        options.Logs.Add(new TrustedLogOptions { Origin = "mediot.example/ledger", Keys = { LedgerKey } });
        return options;
    }
}
