using System.Net.Sockets;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Mqtt;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A device that publishes at least once as real firmware does: a frame whose PUBACK did not come is published again
/// (the same signed bytes) after reconnecting. <see cref="Acknowledged"/> is what the broker took responsibility for.
/// </summary>
internal sealed class ResilientPublisher(ProvisionedDevice device, string host, int port)
{
    private readonly List<DeviceFrame> _acknowledged = [];

    public IReadOnlyList<DeviceFrame> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    /// <summary>
    /// Publishes <paramref name="frames"/> frames, one every <paramref name="interval"/>; before each, waits for
    /// <paramref name="gate"/> when given (a test pausing the ward).
    /// </summary>
    public async Task RunAsync(int frames, TimeSpan interval, CancellationToken cancellationToken, Func<Task>? gate = null)
    {
        using var pace = new PeriodicTimer(interval);
        SimulatedDevice? client = null;
        try
        {
            for (var i = 0; i < frames; i++)
            {
                if (gate is not null)
                {
                    await gate();
                }

                byte[]? token = null;
                DeviceFrame? frame = null;
                while (true)
                {
                    client ??= await ConnectAsync(cancellationToken);
                    token ??= client.SignNext(out frame);
                    try
                    {
                        await client.PublishRawAsync(token, cancellationToken);
                        lock (_acknowledged)
                        {
                            _acknowledged.Add(frame!);
                        }

                        break;
                    }
                    catch (Exception exception) when (IsConnectionFailure(exception))
                    {
                        await client.DisposeAsync();
                        client = null;
                    }
                }

                await pace.WaitForNextTickAsync(cancellationToken);
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task<SimulatedDevice> ConnectAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await SimulatedDevice.ConnectAsync(device, host, port, TimeProvider.System, null, cancellationToken);
            }
            catch (Exception exception) when (IsConnectionFailure(exception))
            {
                // The broker is restarting: retry shortly (a device's reconnect backoff, not a synchronisation).
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
    }

    private static bool IsConnectionFailure(Exception exception) =>
        exception is IOException or SocketException or TimeoutException or MqttConnectException or MqttProtocolException;
}
