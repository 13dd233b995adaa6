using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Station;

/// <summary>
/// The station's stylesheet and scripts: hand-written files embedded in the gateway's assembly (<c>Station/Assets/</c>),
/// served at <c>/station/assets/{name}</c> without sign-in (they hold no data), with their content type, an ETag and
/// <c>Cache-Control</c>. Only the files embedded are served; any other name is 404.
/// </summary>
internal sealed class StationAssets
{
    /// <summary>How long a browser may use its copy before asking again (then a 304 while the ETag matches).</summary>
    public const string CacheControl = "public, max-age=300";

    private const string ResourcePrefix = "MedIoT.Gateway.Station.Assets.";

    private readonly FrozenDictionary<string, Asset> _assets;

    public StationAssets()
    {
        var assembly = typeof(StationAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            assets[name] = new Asset(bytes, ContentType(name), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"");
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The names of the embedded files.</summary>
    public IEnumerable<string> Names => _assets.Keys;

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/station/assets/{name}", (HttpContext context, string name) =>
        {
            if (!_assets.TryGetValue(name, out var asset))
            {
                return Results.NotFound();
            }

            var headers = context.Response.Headers;
            headers.CacheControl = CacheControl;
            headers.ETag = asset.ETag;
            headers.XContentTypeOptions = "nosniff";
            return context.Request.Headers.IfNoneMatch == asset.ETag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(asset.Bytes, asset.ContentType);
        }).AllowAnonymous();

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => throw new InvalidOperationException($"The station asset {name} has no known content type; add it to StationAssets.ContentType."),
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
