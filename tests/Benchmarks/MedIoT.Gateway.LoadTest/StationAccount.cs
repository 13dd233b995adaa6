using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MedIoT.Gateway.LoadTest;

/// <summary>
/// The stations' sign-in for a load run: a local accounts file (docs/accounts.md) holding one API token with the nurse
/// role, written by the harness as <c>mediot-gateway accounts</c> would (the token's SHA-256 only, mode 0600). The token
/// itself lives in the harness's memory for the run and is never printed.
/// </summary>
internal sealed class StationAccount
{
    /// <summary>The staff id the stations act as.</summary>
    public const string Name = "load-station";

    private StationAccount(string path, string token)
    {
        Path = path;
        Token = token;
    }

    /// <summary>The accounts file, for <c>Gateway:Access:AccountsPath</c>.</summary>
    public string Path { get; }

    /// <summary>The bearer token (RFC 6750 §2.1) the stations send.</summary>
    public string Token { get; }

    /// <summary>Writes the accounts file <paramref name="path"/> with a new random token.</summary>
    public static StationAccount Create(string path)
    {
        // 32 random bytes in base64url: 43 characters, like the tokens `mediot-gateway accounts` makes.
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        using var content = new MemoryStream();
        using (var writer = new Utf8JsonWriter(content))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("people");
            writer.WriteEndArray();
            writer.WriteStartArray("tokens");
            writer.WriteStartObject();
            writer.WriteString("name", Name);
            writer.WriteStartArray("roles");
            writer.WriteStringValue("nurse");
            writer.WriteEndArray();
            writer.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        OwnerOnly.Write(path, content.ToArray());
        return new StationAccount(path, token);
    }
}
