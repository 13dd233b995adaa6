using MedIoT.Hosting;

namespace MedIoT.Gateway.Http;

/// <summary>Checks <c>Gateway:Http</c> at start: the listening address is a bare http:// authority.</summary>
internal sealed class HttpOptionsValidator() : SettingsValidator<HttpOptions>(HttpOptions.SectionName)
{
    protected override void Check(HttpOptions options, SettingProblems problems)
    {
        if (options.Url is not { IsAbsoluteUri: true, Scheme: "http", AbsolutePath: "/" })
        {
            problems.Add(nameof(HttpOptions.Url), options.Url, "must be an absolute http:// address with no path, such as http://127.0.0.1:8080.");
        }
    }
}
