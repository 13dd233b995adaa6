using MedIoT.Hosting;

namespace MedIoT.Gateway.Broker;

/// <summary>Checks <c>Gateway:Mqtt</c> at start, beyond its annotations: the reconnect delays and the TLS files.</summary>
internal sealed class MqttOptionsValidator() : SettingsValidator<MqttOptions>(MqttOptions.SectionName)
{
    protected override void Check(MqttOptions options, SettingProblems problems)
    {
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
}
