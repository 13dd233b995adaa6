using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>
/// A byte-level broker for behaviour no real broker shows (protocol violations, silence). It accepts a
/// client (again after <see cref="DropConnection"/>, for reconnect tests), answers CONNECT with CONNACK,
/// then does only what the test tells it.
/// </summary>
internal sealed class FakeBroker : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private NetworkStream? _stream;
    private PipeReader? _reader;
    private readonly List<NetworkStream> _previous = [];

    public FakeBroker(MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        Version = version;
        _listener.Start();
    }

    public MqttProtocolVersion Version { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    // A short connect timeout also bounds how long DisconnectAsync waits for this broker to close its side.
    public MqttClientOptions Options(string clientId) => new()
    {
        TimeProvider = TimeProvider.System,
        Port = Port, ClientId = clientId, KeepAlive = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromSeconds(3), ProtocolVersion = Version,
    };

    /// <summary>Accepts the client, answers its CONNECT with an accepting CONNACK and returns the CONNECT.</summary>
    public async Task<MqttConnectPacket> AcceptAsync(bool sessionPresent = false, MqttProperties? connAckProperties = null)
    {
        // An earlier connection stays open (a silent peer, for keep-alive tests) until dispose.
        if (_stream is not null)
        {
            _previous.Add(_stream);
        }

        _socket = await _listener.AcceptSocketAsync().WaitAsync(s_timeout);
        _stream = new NetworkStream(_socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
        var connect = Assert.IsType<MqttConnectPacket>(await ReceiveAsync());
        await SendAsync(Version == MqttProtocolVersion.V500
            ? PacketBytes.Encode(new MqttConnAckPacket(sessionPresent, MqttReasonCode.Success, connAckProperties), Version)
            : PacketBytes.Encode(new MqttConnAckPacket(sessionPresent, MqttConnectReturnCode.Accepted)));
        return connect;
    }

    public async Task<MqttPacket> ReceiveAsync()
    {
        while (true)
        {
            var result = await _reader!.ReadAsync().AsTask().WaitAsync(s_timeout);
            var buffer = result.Buffer;
            var status = MqttPacketReader.TryReadPacket(ref buffer, Version, MqttFixedHeader.MaximumPacketSize, out var packet, out var error);
            if (status == MqttReadStatus.Done)
            {
                _reader.AdvanceTo(buffer.Start);
                return packet!;
            }

            Assert.Equal(MqttProtocolError.None, error);
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("The client closed the connection.");
            }
        }
    }

    public Task SendAsync(MqttPacket packet) => SendAsync(PacketBytes.Encode(packet, Version));

    public async Task SendAsync(byte[] bytes) => await _stream!.WriteAsync(bytes).AsTask().WaitAsync(s_timeout);

    /// <summary>Closes the client's connection abruptly, as a crashed broker would.</summary>
    public void DropConnection()
    {
        _socket!.LingerState = new LingerOption(true, 0);
        _stream!.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_reader is not null)
        {
            await _reader.CompleteAsync();
        }

        _stream?.Dispose();
        foreach (var stream in _previous)
        {
            await stream.DisposeAsync();
        }

        _listener.Dispose();
    }
}
