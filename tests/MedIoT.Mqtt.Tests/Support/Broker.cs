using MedIoT.Testing;
using Microsoft.Extensions.Logging;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>Shortcuts for tests against the real mosquitto.</summary>
internal static class Broker
{
    /// <summary>The bound of every wait in these tests: generous for a loaded CI machine, far below the test run budget.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>MQTT 3.1.1 options of the fixture's test account, which may publish and read every topic (none on an open broker).</summary>
    public static MqttClientOptions Options(this MosquittoServer server, string clientId) => new()
    {
        TimeProvider = TimeProvider.System,
        Host = server.Host,
        Port = server.Port,
        ClientId = clientId,
        Username = server.TestAccount?.Username,
        Password = server.TestAccount?.Password,
    };

    /// <summary>The test account as mosquitto_pub and mosquitto_sub take it.</summary>
    public static string[] ToolCredentials(this MosquittoServer server) => server.TestAccount is { } account ? ["-u", account.Username, "-P", account.Password] : [];

    /// <summary>MQTT 5.0 options with a clean start and no session expiry.</summary>
    public static MqttClientOptions Options5(this MosquittoServer server, string clientId)
    {
        var options = server.Options(clientId);
        options.ProtocolVersion = MqttProtocolVersion.V500;
        return options;
    }

    public static async Task<MqttClient> ConnectAsync(this MosquittoServer server, MqttClientOptions options, ILogger<MqttClient>? logger = null)
    {
        var client = new MqttClient(options, logger);
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Timeout);
        return client;
    }

    public static Task<MqttClient> ConnectAsync(this MosquittoServer server, string clientId) =>
        server.ConnectAsync(server.Options(clientId));

    public static async Task<MqttReceivedMessage> ReceiveAsync(this MqttClient client) =>
        await client.Messages.ReadAsync().AsTask().WaitAsync(Timeout);

    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(this MqttReceivedMessage message) => System.Text.Encoding.UTF8.GetString(message.Payload.Span);
}
