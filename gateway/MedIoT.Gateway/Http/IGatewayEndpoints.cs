using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Http;

/// <summary>
/// A domain's contribution to the gateway's HTTP surface (health, alarms...). Register implementations as
/// singletons in the gateway's services; <see cref="GatewayHttpServer"/> maps every one of them.
/// </summary>
public interface IGatewayEndpoints
{
    /// <summary>Maps this domain's routes.</summary>
    void Map(IEndpointRouteBuilder endpoints);
}
