using MedIoT.Cryptography;
using MedIoT.Hosting;

namespace MedIoT.Gateway.Broker;

/// <summary>Checks <c>Gateway:Mqtt</c> at start, beyond its annotations: the reconnect delays, the credentials and the TLS files.</summary>
internal sealed class MqttOptionsValidator() : SettingsValidator<MqttOptions>(MqttOptions.SectionName)
{
    protected override void Check(MqttOptions options, SettingProblems problems)
    {
        CheckCredentials(options, problems);

        if (options.ReconnectMaximumDelayMilliseconds < options.ReconnectInitialDelayMilliseconds)
        {
            problems.Add(nameof(MqttOptions.ReconnectMaximumDelayMilliseconds), options.ReconnectMaximumDelayMilliseconds,
                "must not be less than ReconnectInitialDelayMilliseconds.");
        }

        foreach (var problem in options.Tls.Problems())
        {
            problems.Add(nameof(MqttOptions.Tls), options.Tls.Enabled, problem);
        }
    }

    private static void CheckCredentials(MqttOptions options, SettingProblems problems)
    {
        var hasPassword = !string.IsNullOrEmpty(options.Password) || options.PasswordFile.Length > 0;
        if (!string.IsNullOrEmpty(options.Password) && options.PasswordFile.Length > 0)
        {
            problems.Add(nameof(MqttOptions.Password), options.Password,
                $"is set and so is Gateway:Mqtt:PasswordFile ('{options.PasswordFile}'); set only one of them, preferably PasswordFile.");
        }

        if (hasPassword && string.IsNullOrEmpty(options.Username))
        {
            problems.Add(nameof(MqttOptions.Username), options.Username,
                $"is empty but a password is set; a password needs a user name (MQTT 3.1.1 §3.1.2.9), e.g. {MqttOptions.DefaultUsername}.");
        }

        // Shown as (hidden), as every setting named like a password; the sentence names the file.
        if (options.PasswordFile.Length > 0 && SecretFile.Problem(options.PasswordFile) is { } problem)
        {
            problems.Add(nameof(MqttOptions.PasswordFile), options.PasswordFile, problem);
        }
    }
}
