using MedIoT.Hosting;

namespace MedIoT.Gateway.Http;

/// <summary>
/// Checks <c>Gateway:Http</c> at start: the listening address is a bare authority; https has its certificate and key
/// (the key owner-only); plain http listens on loopback only, because the sign-in cookie is Secure and browsers send it
/// over http to loopback addresses alone (a ward network gets https).
/// </summary>
internal sealed class HttpOptionsValidator() : SettingsValidator<HttpOptions>(HttpOptions.SectionName)
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    protected override void Check(HttpOptions options, SettingProblems problems)
    {
        if (options.Url is not { IsAbsoluteUri: true, Scheme: "http" or "https", AbsolutePath: "/" })
        {
            problems.Add(nameof(HttpOptions.Url), options.Url, "must be an absolute https:// (or loopback http://) address with no path, such as https://0.0.0.0:8443 or http://127.0.0.1:8080.");
            return;
        }

        if (!options.IsHttps)
        {
            if (!IsLoopback(options.Url))
            {
                problems.Add(nameof(HttpOptions.Url), options.Url,
                    "is plain http on a non-loopback address: sign-in cookies are Secure and would be sent in clear text. Use https:// with CertificatePath and CertificateKeyPath, or a loopback address (127.0.0.1, [::1], localhost) behind a TLS reverse proxy.");
            }

            if (options.CertificatePath.Length > 0 || options.CertificateKeyPath.Length > 0)
            {
                problems.Add(nameof(HttpOptions.CertificatePath), options.CertificatePath, "is set but Url is http://; make Url https:// to use the certificate, or clear CertificatePath and CertificateKeyPath.");
            }

            return;
        }

        CheckFile(problems, nameof(HttpOptions.CertificatePath), options.CertificatePath, "the server certificate (PEM)", ownerOnly: false);
        CheckFile(problems, nameof(HttpOptions.CertificateKeyPath), options.CertificateKeyPath, "the certificate's private key (PEM, mode 0600)", ownerOnly: true);
    }

    private static bool IsLoopback(Uri url) => url.IsLoopback || url.Host is "[::1]";

    private static void CheckFile(SettingProblems problems, string setting, string path, string what, bool ownerOnly)
    {
        if (path.Length == 0)
        {
            problems.Add(setting, path, $"is required with an https:// Url: the path of {what}.");
        }
        else if (!File.Exists(path))
        {
            problems.Add(setting, path, $"names no file; it must be {what}.");
        }
        else if (ownerOnly && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            problems.Add(setting, path, $"may be read by group or others; restrict it with 'chmod 600 {path}'.");
        }
    }
}
