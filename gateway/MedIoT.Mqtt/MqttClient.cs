using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedIoT.Mqtt;

/// <summary>
/// An MQTT 3.1.1 client for one connection: QoS 0 and 1 publish and subscribe, keep-alive, manual or
/// automatic acknowledgement. Create one instance per connection; when <see cref="Completion"/> has
/// completed, create a new instance (with <see cref="MqttClientOptions.CleanSession"/> off to resume the
/// broker's session). All members are thread-safe.
/// </summary>
public sealed class MqttClient : IAsyncDisposable
{
    private const int StateNew = 0;
    private const int StateConnecting = 1;
    private const int StateConnected = 2;
    private const int StateClosed = 3;

    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly MqttSession _session;

    // Bounded so a slow consumer cannot make the gateway buffer without limit; when full the read loop
    // waits, TCP flow control stops the broker, and the broker queues for us. Vital signs: wait, never drop.
    private readonly Channel<MqttReceivedMessage> _messages;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _delivery;
    private readonly SemaphoreSlim _publishOrder = new(1, 1);
    private MqttConnection? _connection;
    private Task _readLoop = Task.CompletedTask;
    private Task _keepAliveLoop = Task.CompletedTask;
    private int _state;
    private int _disconnecting;
    private int _pingResponses;

    /// <summary>Creates a client; nothing happens on the network until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid (see <see cref="MqttClientOptions.Validate"/>).</exception>
    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _logger = logger ?? (ILogger)NullLogger<MqttClient>.Instance;
        _timeProvider = _options.TimeProvider;
        _session = new MqttSession(_options.MaximumInFlightPublishes);
        _messages = Channel.CreateBounded<MqttReceivedMessage>(new BoundedChannelOptions(_options.ReceiveBufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        _delivery = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
    }

    /// <summary>Messages from subscriptions, in the order received. Completes with <see cref="Completion"/>'s outcome.</summary>
    public ChannelReader<MqttReceivedMessage> Messages => _messages.Reader;

    /// <summary>
    /// Completes when the connection ends: successfully after <see cref="DisconnectAsync"/> or dispose;
    /// faulted with <see cref="MqttProtocolException"/> when the broker violated the protocol, or an
    /// <see cref="IOException"/> (including <see cref="MqttKeepAliveTimeoutException"/>) when the connection died.
    /// Never faults with anything else from the network.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Whether the client is connected and the connection has not ended.</summary>
    public bool IsConnected => Volatile.Read(ref _state) == StateConnected;

    /// <summary>Whether the broker resumed a stored session (CONNACK, §3.2.2.2). Valid after <see cref="ConnectAsync"/>.</summary>
    public bool SessionPresent { get; private set; }

    /// <summary>How many PINGRESP packets arrived (for diagnostics and tests).</summary>
    internal int PingResponseCount => Volatile.Read(ref _pingResponses);

    /// <summary>Called from the read loop with the running count after each PINGRESP. Must not block.</summary>
    internal Action<int>? PingResponseReceived { get; set; }

    /// <summary>How many requests (QoS 1 publishes, subscribes, unsubscribes) await acknowledgement.</summary>
    internal int PendingRequestCount => _session.PendingCount;

    /// <summary>
    /// Opens the TCP connection, sends CONNECT (§3.1) and waits for CONNACK (§3.2), all within
    /// <see cref="MqttClientOptions.ConnectTimeout"/>. May be called once per instance.
    /// </summary>
    /// <exception cref="MqttConnectException">The broker refused the connection; see <see cref="MqttConnectException.ReturnCode"/>.</exception>
    /// <exception cref="TimeoutException">No CONNACK within the connect timeout.</exception>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The broker could not be reached.</exception>
    /// <exception cref="MqttProtocolException">The broker answered with something other than a valid CONNACK.</exception>
    /// <exception cref="InvalidOperationException">Called a second time.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, StateConnecting, StateNew) != StateNew)
        {
            throw new InvalidOperationException(
                "ConnectAsync may be called once per MqttClient. Create a new MqttClient to connect again (with CleanSession = false to resume the session).");
        }

        Log.Connecting(_logger, _options.Host, _options.Port, _options.ClientId);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _shutdown.Token);
        MqttConnection connection;
        try
        {
            var stream = await MqttConnection.ConnectTcpAsync(_options.Host, _options.Port, linked.Token).ConfigureAwait(false);
            connection = new MqttConnection(stream, _options.ProtocolVersion, _options.MaximumIncomingPacketSize, _timeProvider);
            _connection = connection;
            await connection.SendAsync(CreateConnectPacket(), linked.Token).ConfigureAwait(false);

            // §3.2: the first packet from the broker must be CONNACK.
            var first = await connection.ReceiveAsync(linked.Token).ConfigureAwait(false);
            if (first is not MqttConnAckPacket connAck)
            {
                throw new MqttProtocolException(
                    MqttProtocolError.UnexpectedPacket, $"The MQTT broker sent {first.Type} before CONNACK (§3.2).");
            }

            if (connAck.ReturnCode != MqttConnectReturnCode.Accepted)
            {
                Log.ConnectionRefused(_logger, _options.ClientId, connAck.ReturnCode);
                throw new MqttConnectException(connAck.ReturnCode);
            }

            SessionPresent = connAck.SessionPresent;
        }
        catch (Exception exception)
        {
            var failure = exception is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? new TimeoutException(
                    $"The MQTT broker at {_options.Host}:{_options.Port} did not accept the connection within MqttClientOptions.ConnectTimeout ({_options.ConnectTimeout.TotalSeconds:0.###} s).",
                    exception)
                : exception;
            if (failure is not MqttConnectException)
            {
                Log.ConnectFailed(_logger, _options.ClientId, _options.Host, _options.Port, failure);
            }

            await CloseAsync(failure).ConfigureAwait(false);
            if (ReferenceEquals(failure, exception))
            {
                ExceptionDispatchInfo.Throw(exception);
            }

            throw failure;
        }

        if (Interlocked.CompareExchange(ref _state, StateConnected, StateConnecting) != StateConnecting)
        {
            throw new MqttConnectionClosedException("The MQTT client was disposed while connecting.");
        }

        Log.Connected(_logger, _options.ClientId, SessionPresent);
        _readLoop = Task.Run(() => ReadLoopAsync(connection), CancellationToken.None);
        _keepAliveLoop = Task.Run(() => KeepAliveLoopAsync(connection), CancellationToken.None);
    }

    /// <summary>
    /// Subscribes to <paramref name="filters"/> (§3.8) and returns the broker's answer for each, in order (§3.9.3).
    /// </summary>
    /// <exception cref="NotSupportedException">A filter requests QoS 2.</exception>
    /// <exception cref="MqttConnectionClosedException">The connection ended before the SUBACK.</exception>
    public async Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IReadOnlyList<MqttTopicFilter> filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0)
        {
            throw new ArgumentException("SUBSCRIBE needs at least one topic filter (§3.8.3).", nameof(filters));
        }

        var copy = filters.ToArray();
        foreach (var filter in copy)
        {
            ArgumentNullException.ThrowIfNull(filter, nameof(filters));
            if (filter.MaximumQualityOfService == MqttQualityOfService.ExactlyOnce)
            {
                throw new NotSupportedException($"QoS 2 is not supported yet; subscribe to '{filter.Filter}' with QoS 1 (AtLeastOnce).");
            }
        }

        var acknowledgement = await RequestAsync(
            MqttPacketType.SubAck, isPublish: false, id => new MqttSubscribePacket(id, copy), cancellationToken).ConfigureAwait(false);
        var subAck = (MqttSubAckPacket)acknowledgement;
        var results = new MqttSubscribeResult[copy.Length];
        for (var index = 0; index < copy.Length; index++)
        {
            results[index] = new MqttSubscribeResult(copy[index], subAck.ReturnCodes[index]);
        }

        return results;
    }

    /// <summary>Removes subscriptions (§3.10) and waits for UNSUBACK (§3.11).</summary>
    /// <exception cref="MqttConnectionClosedException">The connection ended before the UNSUBACK.</exception>
    public async Task UnsubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0)
        {
            throw new ArgumentException("UNSUBSCRIBE needs at least one topic filter (§3.10.3).", nameof(filters));
        }

        var copy = filters.ToArray();
        foreach (var filter in copy)
        {
            // Validates the filter (§4.7.1) with the same rules and messages as a subscription.
            _ = new MqttTopicFilter(filter, MqttQualityOfService.AtMostOnce);
        }

        await RequestAsync(MqttPacketType.UnsubAck, isPublish: false, id => new MqttUnsubscribePacket(id, copy), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes <paramref name="message"/> (§3.3). QoS 0 completes once the packet is written to the socket;
    /// QoS 1 completes when the PUBACK arrives (§4.3.2). Any number of calls may run concurrently; beyond
    /// <see cref="MqttClientOptions.MaximumInFlightPublishes"/> unacknowledged QoS 1 publishes, further calls wait.
    /// Cancelling stops the wait; a QoS 1 message already written may still be delivered.
    /// </summary>
    /// <exception cref="NotSupportedException">The message has QoS 2.</exception>
    /// <exception cref="MqttConnectionClosedException">The connection ended before the message was written (QoS 0) or acknowledged (QoS 1).</exception>
    public async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.QualityOfService == MqttQualityOfService.ExactlyOnce)
        {
            throw new NotSupportedException($"QoS 2 is not supported yet; publish to '{message.Topic}' with QoS 1 (AtLeastOnce).");
        }

        var connection = RequireConnection();
        MqttPendingRequest? pending = null;

        // Publishes go out in the order PublishAsync was called (§4.6): the FIFO order lock is taken before
        // anything else can wait, and held while waiting for an in-flight slot, so later calls queue behind.
        await _publishOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (message.QualityOfService == MqttQualityOfService.AtMostOnce)
            {
                var packet = new MqttPublishPacket
                {
                    Topic = message.Topic,
                    Payload = message.Payload,
                    QualityOfService = MqttQualityOfService.AtMostOnce,
                    Retain = message.Retain,
                };
                await SendAsync(connection, packet, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                pending = await BeginRequestAsync(
                    connection,
                    MqttPacketType.PubAck,
                    isPublish: true,
                    id => new MqttPublishPacket
                    {
                        Topic = message.Topic,
                        Payload = message.Payload,
                        QualityOfService = MqttQualityOfService.AtLeastOnce,
                        Retain = message.Retain,
                        PacketIdentifier = id,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _publishOrder.Release();
        }

        if (pending is not null)
        {
            await pending.Acknowledgement.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends DISCONNECT (§3.14), closes the connection and completes <see cref="Completion"/> successfully.
    /// Publishes still awaiting a PUBACK fail with <see cref="MqttConnectionClosedException"/>. Messages
    /// already in <see cref="Messages"/> stay readable. Waits at most <see cref="MqttClientOptions.ConnectTimeout"/>
    /// for the broker to close its side (§3.14.4), so the DISCONNECT is not lost to a reset. Does nothing if the connection already ended.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || Volatile.Read(ref _state) != StateConnected || Interlocked.Exchange(ref _disconnecting, 1) != 0)
        {
            await CloseAsync(null).ConfigureAwait(false);
            return;
        }

        // Stop handing messages to the application: an unacknowledged QoS 1 message stays with the broker.
        await _delivery.CancelAsync().ConfigureAwait(false);
        try
        {
            await connection.SendAsync(MqttDisconnectPacket.Instance, cancellationToken).ConfigureAwait(false);

            // §3.14.4: the broker closes the connection on DISCONNECT; waiting for that lets our bytes
            // reach it before our socket closes. Bounded, so a silent broker cannot stall the caller.
            await _readLoop.WaitAsync(_options.ConnectTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is MqttConnectionClosedException or TimeoutException)
        {
            // The connection is going away either way.
        }
        finally
        {
            await CloseAsync(null).ConfigureAwait(false);
        }
    }

    /// <summary>Disconnects gracefully if connected, then releases everything. Never throws for network problems.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsConnected)
        {
            try
            {
                await DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await CloseAsync(null).ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        await _keepAliveLoop.ConfigureAwait(false);
        _delivery.Dispose();
        _shutdown.Dispose();
    }

    private MqttConnectPacket CreateConnectPacket() => new()
    {
        ProtocolVersion = _options.ProtocolVersion,
        ClientId = _options.ClientId,
        CleanSession = _options.CleanSession,
        KeepAliveSeconds = checked((ushort)_options.KeepAlive.TotalSeconds),
        Username = _options.Username,
        // Careful: a null byte[] would convert to an empty, non-null ReadOnlyMemory and set the password flag.
        Password = _options.Password is null ? (ReadOnlyMemory<byte>?)null : System.Text.Encoding.UTF8.GetBytes(_options.Password),
    };

    private MqttConnection RequireConnection()
    {
        switch (Volatile.Read(ref _state))
        {
            case StateNew:
            case StateConnecting:
                throw new InvalidOperationException("The MQTT client is not connected yet: await ConnectAsync first.");
            case StateClosed:
                throw new MqttConnectionClosedException("The MQTT connection is closed.", Completion.Exception?.InnerException);
            default:
                return _connection!;
        }
    }

    /// <summary>Sends a request that carries a packet identifier and waits for its acknowledgement (§2.3.1).</summary>
    private async Task<MqttPacket> RequestAsync(
        MqttPacketType acknowledgementType, bool isPublish, Func<ushort, MqttPacket> createRequest, CancellationToken cancellationToken)
    {
        var pending = await BeginRequestAsync(RequireConnection(), acknowledgementType, isPublish, createRequest, cancellationToken).ConfigureAwait(false);
        return await pending.Acknowledgement.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Allocates a packet identifier, registers the request in the session and writes it.</summary>
    private async Task<MqttPendingRequest> BeginRequestAsync(
        MqttConnection connection, MqttPacketType acknowledgementType, bool isPublish, Func<ushort, MqttPacket> createRequest, CancellationToken cancellationToken)
    {
        var pending = await _session.BeginRequestAsync(acknowledgementType, isPublish, createRequest, cancellationToken).ConfigureAwait(false);
        try
        {
            await SendAsync(connection, pending.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Not written (cancelled while waiting for the writer, not encodable, or the connection is gone).
            _session.Abandon(pending, exception);
            throw;
        }

        return pending;
    }

    private async Task SendAsync(MqttConnection connection, MqttPacket packet, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendAsync(packet, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttConnectionClosedException exception) when (exception.InnerException is not null)
        {
            // A failed write means a dead connection, even if the read loop has not noticed yet.
            await CloseAsync(exception.InnerException).ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReadLoopAsync(MqttConnection connection)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var packet = await connection.ReceiveAsync(_shutdown.Token).ConfigureAwait(false);
                await HandleAsync(connection, packet).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Closed by DisconnectAsync, DisposeAsync, keep-alive or a failed write: the outcome is already set.
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        finally
        {
            connection.CompleteReader();
        }

        if (failure is null || Volatile.Read(ref _disconnecting) != 0)
        {
            // After our DISCONNECT the broker closing the connection is the expected end (§3.14.4).
            await CloseAsync(null).ConfigureAwait(false);
        }
        else
        {
            await CloseAsync(failure).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(MqttConnection connection, MqttPacket packet)
    {
        switch (packet)
        {
            case MqttPublishPacket publish:
                await DeliverAsync(connection, publish).ConfigureAwait(false);
                break;
            case MqttPubAckPacket pubAck:
                Acknowledge(pubAck.PacketIdentifier, packet);
                break;
            case MqttSubAckPacket subAck:
                Acknowledge(subAck.PacketIdentifier, packet);
                break;
            case MqttUnsubAckPacket unsubAck:
                Acknowledge(unsubAck.PacketIdentifier, packet);
                break;
            case MqttPingRespPacket:
                var count = Interlocked.Increment(ref _pingResponses);
                PingResponseReceived?.Invoke(count);
                break;
            case MqttConnAckPacket:
                throw new MqttProtocolException(MqttProtocolError.UnexpectedPacket, "The MQTT broker sent a second CONNACK (§3.2).");
            case MqttPubRecPacket or MqttPubRelPacket or MqttPubCompPacket:
                throw new MqttProtocolException(
                    MqttProtocolError.UnexpectedPacket, $"The MQTT broker sent {packet.Type}, a QoS 2 packet, although this client never uses QoS 2 (§4.3.3).");
            default:
                throw new MqttProtocolException(
                    MqttProtocolError.UnexpectedPacket, $"The MQTT broker sent {packet.Type}, which only a client may send (§2.2.1).");
        }
    }

    private void Acknowledge(ushort packetIdentifier, MqttPacket acknowledgement)
    {
        if (!_session.TryTake(packetIdentifier, acknowledgement.Type, out var pending))
        {
            throw new MqttProtocolException(
                MqttProtocolError.UnknownPacketIdentifier,
                $"The MQTT broker sent {acknowledgement.Type} for packet identifier {packetIdentifier}, which has no request awaiting it (§2.3.1).");
        }

        // §3.9.3: one SUBACK return code per filter, in order.
        if (acknowledgement is MqttSubAckPacket subAck && pending!.Request is MqttSubscribePacket subscribe
            && subAck.ReturnCodes.Count != subscribe.Filters.Count)
        {
            var exception = new MqttProtocolException(
                MqttProtocolError.MalformedPacket,
                $"The MQTT broker sent {subAck.ReturnCodes.Count} SUBACK return codes for {subscribe.Filters.Count} topic filters (§3.9.3).");
            pending.Fail(exception);
            throw exception;
        }

        pending!.Complete(acknowledgement);
    }

    private async Task DeliverAsync(MqttConnection connection, MqttPublishPacket publish)
    {
        Log.PublishReceived(_logger, publish.Topic, publish.QualityOfService, publish.PacketIdentifier, publish.Duplicate);
        if (publish.QualityOfService == MqttQualityOfService.ExactlyOnce)
        {
            // §3.8.4: the broker must not exceed the granted QoS, and this client never asks for 2.
            throw new MqttProtocolException(
                MqttProtocolError.UnexpectedPacket, "The MQTT broker sent a QoS 2 PUBLISH although this client never subscribes with QoS 2 (§3.8.4).");
        }

        var message = new MqttReceivedMessage(publish, connection);
        try
        {
            await _messages.Writer.WriteAsync(message, _delivery.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref _disconnecting) != 0 && !_shutdown.IsCancellationRequested)
        {
            // Disconnecting: the message is not acknowledged, so a persistent session keeps it (§4.4).
            return;
        }

        // With automatic acknowledgement the PUBACK follows the hand-over to the application, so
        // PUBACKs leave in receive order (§4.6) and only for messages the application holds.
        if (_options.AutoAcknowledge)
        {
            await message.AcknowledgeAsync(_shutdown.Token).ConfigureAwait(false);
        }
    }

    private async Task KeepAliveLoopAsync(MqttConnection connection)
    {
        var keepAlive = _options.KeepAlive;
        if (keepAlive == TimeSpan.Zero)
        {
            return;
        }

        var token = _shutdown.Token;
        try
        {
            long? pingSentAt = null;
            long packetsBeforePing = 0;
            while (true)
            {
                var now = _timeProvider.GetTimestamp();
                if (pingSentAt is { } sentAt)
                {
                    // Any packet from the broker after the PINGREQ shows it is alive.
                    if (connection.PacketsReceived != packetsBeforePing)
                    {
                        pingSentAt = null;
                    }
                    else if (_timeProvider.GetElapsedTime(sentAt, now) >= keepAlive)
                    {
                        throw new MqttKeepAliveTimeoutException(keepAlive);
                    }
                }

                // §3.1.2.10: a PINGREQ when nothing else was sent for the keep-alive period.
                var idle = _timeProvider.GetElapsedTime(connection.LastSentTimestamp, now);
                if (pingSentAt is null && idle >= keepAlive)
                {
                    packetsBeforePing = connection.PacketsReceived;
                    pingSentAt = _timeProvider.GetTimestamp();
                    Log.PingSent(_logger, _options.ClientId);
                    try
                    {
                        // A write that cannot even start within the period means the connection is stuck.
                        await connection.SendAsync(MqttPingReqPacket.Instance, token).WaitAsync(keepAlive, _timeProvider, token).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        throw new MqttKeepAliveTimeoutException(keepAlive);
                    }

                    continue;
                }

                var untilNextPing = pingSentAt is null ? keepAlive - idle : keepAlive;
                var untilPingTimeout = pingSentAt is { } pending ? keepAlive - _timeProvider.GetElapsedTime(pending, now) : keepAlive;
                var delay = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Math.Min(untilNextPing.Ticks, untilPingTimeout.Ticks)));
                await Task.Delay(delay, _timeProvider, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (MqttKeepAliveTimeoutException exception)
        {
            Log.KeepAliveTimeout(_logger, _options.ClientId, keepAlive.TotalSeconds);
            await CloseAsync(exception).ConfigureAwait(false);
        }
        catch (MqttConnectionClosedException exception)
        {
            await CloseAsync(exception.InnerException ?? exception).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Whatever ended the loop ends the connection through Completion, never through DisposeAsync.
            await CloseAsync(exception).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the connection once: <paramref name="reason"/> <see langword="null"/> means a clean end.</summary>
    private async Task CloseAsync(Exception? reason)
    {
        if (Interlocked.Exchange(ref _state, StateClosed) == StateClosed)
        {
            return;
        }

        switch (reason)
        {
            case null:
                Log.Disconnected(_logger, _options.ClientId);
                break;
            case MqttProtocolException protocol:
                Log.ProtocolViolation(_logger, _options.ClientId, protocol.Error, protocol);
                break;
            case MqttKeepAliveTimeoutException or MqttConnectException or TimeoutException:
                break;
            default:
                if (_completion.Task.IsCompleted is false && _connection is not null)
                {
                    Log.ConnectionLost(_logger, _options.ClientId, reason);
                }

                break;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _session.Close(reason is null
            ? new MqttConnectionClosedException("The MQTT client disconnected before the broker acknowledged the request.")
            : new MqttConnectionClosedException("The MQTT connection was lost before the broker acknowledged the request.", reason));
        _messages.Writer.TryComplete(reason);
        if (reason is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(reason);
        }
    }
}
