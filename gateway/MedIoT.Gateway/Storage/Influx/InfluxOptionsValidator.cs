using MedIoT.Hosting;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>Checks <c>Gateway:Influx</c> at start, beyond its annotations: the address and the retry delays.</summary>
internal sealed class InfluxOptionsValidator() : SettingsValidator<InfluxOptions>(InfluxOptions.SectionName)
{
    protected override void Check(InfluxOptions options, SettingProblems problems)
    {
        if (options.Url is not { IsAbsoluteUri: true } || (options.Url.Scheme != Uri.UriSchemeHttp && options.Url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add(nameof(InfluxOptions.Url), options.Url, "must be an absolute http:// or https:// address.");
        }

        if (options.RetryMaximumDelayMilliseconds < options.RetryInitialDelayMilliseconds)
        {
            problems.Add(nameof(InfluxOptions.RetryMaximumDelayMilliseconds), options.RetryMaximumDelayMilliseconds,
                "must not be less than RetryInitialDelayMilliseconds.");
        }
    }
}
