using MedIoT.Hosting;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Http;

/// <summary>
/// <c>GET /metrics</c>: the gateway's meters in Prometheus text format (docs/metrics.md). Counts, latencies and positions
/// only; labels are rejection reasons, error names and, for serial ports, device ids, never a patient value.
/// </summary>
internal sealed class MetricsEndpoints(IServiceProvider gatewayServices) : IGatewayEndpoints
{
    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPrometheusMetrics(gatewayServices);
}
