using Microsoft.AspNetCore.Builder;

namespace MedIoT.Gateway.Http;

/// <summary>
/// A domain's part in building the gateway's HTTP server (sign-in: authentication, authorization, anti-forgery).
/// <see cref="GatewayHttpServer"/> calls every registered setup's <see cref="ConfigureServices"/> on the server's own
/// service collection, then <see cref="ConfigurePipeline"/> after routing and before the endpoints are mapped.
/// </summary>
public interface IGatewayHttpSetup
{
    /// <summary>Adds the services the middleware and endpoints need to the HTTP server's container.</summary>
    void ConfigureServices(IServiceCollection services);

    /// <summary>Adds middleware between routing and the endpoints.</summary>
    void ConfigurePipeline(WebApplication app);
}
