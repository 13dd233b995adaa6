using System.CommandLine;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Scenarios;

namespace MedIoT.FirmwareSim;

/// <summary>
/// How <c>scenario</c> and <c>bedside</c> reach the gateway's HTTP API for staff actions: its address, the owner-only file
/// of the API token they act with (RFC 6750 bearer; the gateway records the token's name as the staff member), and for a
/// self-signed gateway the one certificate to trust.
/// </summary>
internal sealed class GatewayApiArguments
{
    private readonly Option<string?> _url;
    private readonly Option<FileInfo?> _tokenFile;
    private readonly Option<FileInfo?> _certificate;

    /// <param name="purpose">What the address is for, in its help.</param>
    /// <param name="tokenUse">What the token is used for, in its help ("the staff entries are sent with").</param>
    public GatewayApiArguments(string purpose, string tokenUse)
    {
        _url = new Option<string?>("--gateway-url") { Description = $"The gateway's HTTP address for {purpose}, e.g. http://127.0.0.1:8080." };
        _tokenFile = new Option<FileInfo?>("--gateway-token-file")
        {
            Description = $"An owner-only (0600) file holding the gateway API token {tokenUse} (mediot-gateway accounts add-token NAME --role nurse); the staff member recorded is the token's name.",
        };
        _certificate = new Option<FileInfo?>("--gateway-certificate")
        {
            Description = "With an https:// --gateway-url: trust exactly this PEM certificate for the gateway (a self-signed one, as the demo's), compared byte for byte with the one the gateway presents; any other is refused. Without it the system's trusted authorities decide.",
        };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_url);
        command.Options.Add(_tokenFile);
        command.Options.Add(_certificate);
    }

    /// <summary>
    /// The client for the gateway (null when no address was given; it carries the token when one was given) and the
    /// certificate pin it uses; false, with the problem written to standard error, for bad arguments.
    /// </summary>
    public bool TryCreate(ParseResult parseResult, out HttpClient? client, out GatewayCertificatePin? pin)
    {
        client = null;
        pin = null;
        Uri? gateway = null;
        if (parseResult.GetValue(_url) is { } url &&
            (!Uri.TryCreate(url, UriKind.Absolute, out gateway) || (gateway.Scheme != Uri.UriSchemeHttp && gateway.Scheme != Uri.UriSchemeHttps)))
        {
            return Fail("--gateway-url must be an absolute http:// or https:// address.");
        }

        if (parseResult.GetValue(_certificate) is { } certificateFile)
        {
            if (gateway?.Scheme != Uri.UriSchemeHttps)
            {
                return Fail("--gateway-certificate needs an https:// --gateway-url.");
            }

            if (!GatewayCertificatePin.TryLoad(certificateFile.FullName, out pin, out var certificateProblem))
            {
                return Fail("--gateway-certificate: " + certificateProblem);
            }
        }

        string? token = null;
        if (parseResult.GetValue(_tokenFile) is { } tokenFile)
        {
            if (SecretFile.Problem(tokenFile.FullName) is { } tokenProblem)
            {
                pin?.Dispose();
                pin = null;
                return Fail("--gateway-token-file: " + tokenProblem);
            }

            token = SecretFile.Read(tokenFile.FullName);
        }

        if (gateway is null)
        {
            return true;
        }

#pragma warning disable CA2000 // The client owns the handler (disposeHandler: true); the caller owns the client.
        client = new HttpClient(pin?.CreateHandler() ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
#pragma warning restore CA2000
        if (token is not null)
        {
            // RFC 6750 §2.1; the gateway records the token's name as the staff member.
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return true;
    }

    private static bool Fail(string problem)
    {
        Console.Error.WriteLine(problem);
        return false;
    }
}
