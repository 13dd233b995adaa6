using System.Text;

namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>
/// Loads a webhook's HMAC secret from a file readable by its owner only, or from an environment variable. Errors
/// name the setting and the file or variable, never the secret.
/// </summary>
internal static class WebhookSecret
{
    /// <summary>The shortest secret accepted, in bytes (the HMAC-SHA256 output size; RFC 2104 §3 recommends at least that).</summary>
    public const int MinimumLength = 32;

    /// <exception cref="InvalidOperationException">The secret is missing, too short or its file is readable by others.</exception>
    public static byte[] Load(WebhookOptions webhook, int index, string settingsFolder)
    {
        var setting = $"{AlertOptions.SectionName}:Webhooks:{index}";
        byte[] secret;
        if (!string.IsNullOrEmpty(webhook.SecretFile))
        {
            var path = Path.GetFullPath(webhook.SecretFile, settingsFolder);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"Setting '{setting}:SecretFile' = '{path}': the file does not exist. Create it with the shared secret and mode 0600.");
            }

            if (!OperatingSystem.IsWindows() &&
                (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                    UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
            {
                throw new InvalidOperationException($"Setting '{setting}:SecretFile' = '{path}': the file is accessible to other users. Run chmod 600 on it.");
            }

            secret = File.ReadAllBytes(path).AsSpan().TrimEnd("\r\n"u8).ToArray();
        }
        else
        {
            var value = Environment.GetEnvironmentVariable(webhook.SecretEnvironmentVariable!);
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidOperationException(
                    $"Setting '{setting}:SecretEnvironmentVariable' = '{webhook.SecretEnvironmentVariable}': the environment variable is not set.");
            }

            secret = Encoding.UTF8.GetBytes(value);
        }

        if (secret.Length < MinimumLength)
        {
            throw new InvalidOperationException(
                $"Setting '{setting}': the webhook secret is shorter than {MinimumLength} bytes. Use a random secret, e.g. `openssl rand -hex 32`.");
        }

        return secret;
    }
}
