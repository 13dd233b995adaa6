using MedIoT.Ledger.Witness.Cosigning;
using MedIoT.Ledger.Witness.Evidence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Ledger.Witness.Http;

/// <summary>
/// The witness's routes: <c>POST /add-checkpoint</c> (C2SP tlog-witness; text bodies) and <c>GET /health</c> (JSON:
/// counts and cosigned sizes, never a key or a body).
/// </summary>
internal static class WitnessEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, CheckpointWitness witness, WitnessMetrics metrics, EvidenceStore evidence,
        int maximumBodyBytes, TimeProvider timeProvider)
    {
        var startedAt = timeProvider.GetUtcNow();
        endpoints.MapPost("/add-checkpoint", async (HttpContext context) =>
        {
            var body = await ReadBodyAsync(context.Request, maximumBodyBytes, context.RequestAborted);
            var response = body is null
                ? witness.RefuseTooLarge(maximumBodyBytes)
                : await witness.AddCheckpointAsync(body, context.RequestAborted);
            return Results.Text(response.Body, response.ContentType, statusCode: response.StatusCode);
        });

        endpoints.MapGet("/health", () => Results.Json(new HealthReport(
            "ok",
            witness.VerifierKey.Name,
            witness.VerifierKey.ToString(),
            (long)(timeProvider.GetUtcNow() - startedAt).TotalSeconds,
            witness.State.Sizes(),
            metrics.Cosigned,
            metrics.Rejections.ToDictionary(p => WitnessMetrics.ReasonTag(p.Key), p => p.Value, StringComparer.Ordinal),
            evidence.FileCount,
            metrics.EvidenceDropped)));
    }

    /// <summary>
    /// Reads the whole body, or returns <see langword="null"/> once it exceeds <paramref name="limit"/> bytes (declared
    /// by Content-Length or found while reading; Kestrel's own limit raises a 413 exception that means the same).
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new byte[Math.Min(limit + 1, (int)(request.ContentLength ?? 4096) + 1)];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return null;
                    }

                    Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return length > limit ? null : buffer[..length];
    }

    private sealed record HealthReport(
        string Status, string Name, string VerifierKey, long UptimeSeconds, IReadOnlyDictionary<string, long> CosignedSizes,
        long Cosigned, IReadOnlyDictionary<string, long> Rejected, int EvidenceFiles, long EvidenceDropped);
}
