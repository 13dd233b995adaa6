using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace MedIoT.Mqtt;

/// <summary>
/// An MQTT 3.1.1 and 5.0 client (<see cref="MqttClientOptions.ProtocolVersion"/>, per connection): QoS 0, 1 and 2
/// publish and subscribe, keep-alive, manual or automatic acknowledgement, will message; with MQTT 5.0 also reason
/// codes (<see cref="MqttConnectException"/>, <see cref="MqttPublishException"/>, SUBACK codes, <see cref="MqttDisconnectedByServerException"/>),
/// user properties, session expiry, receive maximum and maximum packet size in both directions. Without <see cref="MqttClientOptions.AutomaticReconnect"/> one instance
/// serves one connection: when <see cref="Completion"/> has completed, create a new instance (with
/// <see cref="MqttClientOptions.CleanSession"/> off to resume the broker's session). With it, the instance
/// keeps its session across connections: it reconnects with jittered exponential backoff, resubscribes when
/// the broker lost the session, and resends unacknowledged publishes (§4.4). All members are thread-safe.
/// </summary>
public sealed class MqttClient : IAsyncDisposable
{
    private const int StateNew = 0;
    private const int StateConnecting = 1;
    private const int StateConnected = 2;
    private const int StateClosed = 3;
    private const int StateReconnecting = 4;

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
    private readonly Lock _stateLock = new();

    // The filters the broker granted, resubscribed after a reconnect that finds no session. Guarded by _stateLock.
    private readonly Dictionary<string, MqttTopicFilter> _subscriptions = new(StringComparer.Ordinal);
    private MqttConnection? _connection;
    private Task _readLoop = Task.CompletedTask;
    private Task _keepAliveLoop = Task.CompletedTask;
    private Task _reconnectLoop = Task.CompletedTask;
    private readonly ResiliencePipeline<(MqttConnection Connection, bool SessionPresent)> _reconnect;
    private int _state;
    private int _disconnecting;
    private int _pingResponses;
    private int _connections;
    private long _receiveMaximumExcesses;
    private string? _assignedClientId;
    private MqttServerLimits _serverLimits = MqttServerLimits.None;

    /// <summary>Creates a client; nothing happens on the network until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid (see <see cref="MqttClientOptions.Validate"/>).</exception>
    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _logger = logger ?? (ILogger)NullLogger<MqttClient>.Instance;
        _timeProvider = _options.TimeProvider;
        _reconnect = ReconnectBackoff.Create<(MqttConnection, bool)>(_options, IsRetryable,
            (delay, attempt) => Log.Reconnecting(_logger, ClientId, (long)delay.TotalMilliseconds, attempt));
        _session = new MqttSession(_options.MaximumInFlightPublishes);
        _messages = Channel.CreateBounded<MqttReceivedMessage>(new BoundedChannelOptions(_options.ReceiveBufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        _delivery = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
    }

    /// <summary>
    /// Raised after every successful connection once it is resumed (pending packets resent, subscriptions
    /// restored, <see cref="MqttClientOptions.OnlineMessage"/> sent). Handlers run on the client's own task and must not block.
    /// </summary>
    public event EventHandler<MqttConnectedEventArgs>? Connected;

    /// <summary>
    /// Raised with <see cref="MqttClientOptions.AutomaticReconnect"/> when a connection is lost and the client
    /// starts reconnecting; an MQTT 5.0 server's DISCONNECT arrives as <see cref="MqttDisconnectedByServerException"/>
    /// with its reason code and string. Handlers run on the client's own task and must not block.
    /// </summary>
    public event EventHandler<MqttConnectionLostEventArgs>? ConnectionLost;

    /// <summary>
    /// Messages from subscriptions, in the order received. Completes with <see cref="Completion"/>'s outcome;
    /// with <see cref="MqttClientOptions.AutomaticReconnect"/> it stays open across reconnects.
    /// </summary>
    public ChannelReader<MqttReceivedMessage> Messages => _messages.Reader;

    /// <summary>
    /// Completes when the client is done: successfully after <see cref="DisconnectAsync"/> or dispose;
    /// faulted with <see cref="MqttProtocolException"/> when the broker violated the protocol, or an
    /// <see cref="IOException"/> (including <see cref="MqttKeepAliveTimeoutException"/>) when the connection died.
    /// With <see cref="MqttClientOptions.AutomaticReconnect"/> a lost connection does not complete it (the
    /// client reconnects); only the first <see cref="ConnectAsync"/> failing, a disconnect or dispose do.
    /// Never faults with anything else from the network.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// The client identifier this client connects with: <see cref="MqttClientOptions.ClientId"/>, or with MQTT 5.0
    /// and an empty one, the identifier the broker assigned (5.0 §3.2.2.3.7) once connected.
    /// </summary>
    public string ClientId => Volatile.Read(ref _assignedClientId) ?? _options.ClientId;

    /// <summary>The protocol version of the connections (<see cref="MqttClientOptions.ProtocolVersion"/>).</summary>
    public MqttProtocolVersion ProtocolVersion => _options.ProtocolVersion;

    /// <summary>Whether the client is connected now.</summary>
    public bool IsConnected => Volatile.Read(ref _state) == StateConnected;

    /// <summary>Whether the broker resumed a stored session (CONNACK, §3.2.2.2) on the latest connection.</summary>
    public bool SessionPresent { get; private set; }

    /// <summary>How many connections were established (1 after <see cref="ConnectAsync"/>, plus one per reconnect).</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>How many PINGRESP packets arrived (for diagnostics and tests).</summary>
    internal int PingResponseCount => Volatile.Read(ref _pingResponses);

    /// <summary>Called from the read loop with the running count after each PINGRESP. Must not block.</summary>
    internal Action<int>? PingResponseReceived { get; set; }

    /// <summary>How many requests (QoS 1/2 publishes, subscribes, unsubscribes) await acknowledgement.</summary>
    internal int PendingRequestCount => _session.PendingCount;

    /// <summary>The window of our QoS 1 and 2 publishes now (MQTT 5.0: lowered to the server's Receive Maximum).</summary>
    internal int InFlightLimit => _session.InFlightLimit;

    /// <summary>The most QoS 1 and 2 publishes that were in flight at once.</summary>
    internal int InFlightHighWaterMark => _session.InFlightHighWaterMark;

    /// <summary>QoS 1 and 2 messages the broker sent beyond our Receive Maximum (MQTT 5.0 §3.3.4), on every connection so far.</summary>
    internal long ReceiveMaximumExcesses => Interlocked.Read(ref _receiveMaximumExcesses);

    /// <summary>The largest packet the server accepts (MQTT 5.0 CONNACK), <see cref="int.MaxValue"/> when unlimited.</summary>
    internal int ServerMaximumPacketSize => _connection?.PeerMaximumPacketSize ?? int.MaxValue;

    /// <summary>The keep-alive in force on the current connection (MQTT 5.0: the server's Server Keep Alive if it sent one).</summary>
    internal TimeSpan EffectiveKeepAlive => _connection?.KeepAlive ?? _options.KeepAlive;

    /// <summary>How many received QoS 2 messages await the broker's PUBREL.</summary>
    internal int IncomingExactlyOnceCount => _session.IncomingExactlyOnceCount;

    /// <summary>
    /// Opens the TCP connection, sends CONNECT (§3.1) and waits for CONNACK (§3.2), all within
    /// <see cref="MqttClientOptions.ConnectTimeout"/>; then publishes <see cref="MqttClientOptions.OnlineMessage"/>
    /// if set. May be called once per instance. With <see cref="MqttClientOptions.AutomaticReconnect"/> a
    /// failed attempt (broker unreachable, refused, timed out) is logged and retried with the reconnect
    /// backoff until it succeeds or <paramref name="cancellationToken"/> is cancelled; without it the
    /// first failure is thrown.
    /// </summary>
    /// <exception cref="MqttConnectException">The broker refused the connection; see <see cref="MqttConnectException.ReturnCode"/>.</exception>
    /// <exception cref="TimeoutException">No CONNACK within the connect timeout.</exception>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The broker could not be reached.</exception>
    /// <exception cref="MqttProtocolException">The broker answered with something other than a valid CONNACK.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed (<see cref="MqttClientOptions.Tls"/>).</exception>
    /// <exception cref="InvalidOperationException">Called a second time.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        bool started;
        lock (_stateLock)
        {
            started = _state == StateNew;
            if (started)
            {
                _state = StateConnecting;
            }
        }

        if (!started)
        {
            throw new InvalidOperationException(
                "ConnectAsync may be called once per MqttClient. Create a new MqttClient to connect again (with CleanSession = false to resume the session), or set AutomaticReconnect.");
        }

        MqttConnection connection;
        bool sessionPresent;
        try
        {
            // With automatic reconnect a broker that is not there yet is waited for, with the reconnect backoff; each
            // failed attempt is logged by OpenAsync.
            (connection, sessionPresent) = _options.AutomaticReconnect
                ? await _reconnect.ExecuteAsync(async token => await OpenAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
                : await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await CloseAsync(exception is OperationCanceledException && cancellationToken.IsCancellationRequested ? null : exception).ConfigureAwait(false);
            throw;
        }

        if (!TryStart(connection, sessionPresent, StateConnecting))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new MqttConnectionClosedException("The MQTT client was disposed while connecting.");
        }

        await ResumeAsync(connection, sessionPresent, isReconnect: false).ConfigureAwait(false);
    }

    /// <summary>
    /// Subscribes to <paramref name="filters"/> (§3.8) and returns the broker's answer for each, in order (§3.9.3).
    /// Granted filters are remembered and restored after a reconnect that finds no session.
    /// </summary>
    /// <exception cref="MqttConnectionClosedException">Not connected now, or the connection ended before the SUBACK.</exception>
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
        }

        var results = await SubscribeCoreAsync(copy, cancellationToken).ConfigureAwait(false);
        lock (_stateLock)
        {
            foreach (var result in results.Where(result => result.Succeeded))
            {
                _subscriptions[result.Filter.Filter] = result.Filter;
            }
        }

        return results;
    }

    /// <summary>Removes subscriptions (§3.10) and waits for UNSUBACK (§3.11).</summary>
    /// <returns>One reason code per filter, in order (MQTT 5.0 §3.11.3, e.g. <see cref="MqttReasonCode.NoSubscriptionExisted"/>); all <see cref="MqttReasonCode.Success"/> with 3.1.1.</returns>
    /// <exception cref="MqttConnectionClosedException">Not connected now, or the connection ended before the UNSUBACK.</exception>
    public async Task<IReadOnlyList<MqttReasonCode>> UnsubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
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

        var unsubAck = (MqttUnsubAckPacket)await RequestAsync(MqttPacketType.UnsubAck, id => new MqttUnsubscribePacket(id, copy), cancellationToken).ConfigureAwait(false);
        lock (_stateLock)
        {
            foreach (var filter in copy)
            {
                _subscriptions.Remove(filter);
            }
        }

        return unsubAck.ReasonCodes.Count == copy.Length ? unsubAck.ReasonCodes : [.. copy.Select(_ => MqttReasonCode.Success)];
    }

    /// <summary>
    /// Publishes <paramref name="message"/> (§3.3). QoS 0 completes once the packet is written to the socket;
    /// QoS 1 completes when the PUBACK arrives (§4.3.2); QoS 2 when the PUBCOMP arrives (§4.3.3). Any number
    /// of calls may run concurrently; beyond <see cref="MqttClientOptions.MaximumInFlightPublishes"/>
    /// unacknowledged QoS 1 and 2 publishes, further calls wait. With <see cref="MqttClientOptions.AutomaticReconnect"/>
    /// a QoS 1 or 2 publish survives a lost connection: it is (re)sent on the next one. Cancelling stops the
    /// wait; a QoS 1 or 2 message already written may still be delivered.
    /// </summary>
    /// <returns>The broker's success reason code (MQTT 5.0: e.g. <see cref="MqttReasonCode.NoMatchingSubscribers"/>; 3.1.1 and QoS 0: success).</returns>
    /// <exception cref="MqttConnectionClosedException">
    /// The client is closed; or, without automatic reconnect, the connection ended before the message was
    /// written (QoS 0) or acknowledged (QoS 1, 2); or a QoS 0 message was published while reconnecting.
    /// </exception>
    /// <exception cref="MqttPublishException">
    /// MQTT 5.0: the broker refused the message with a failure reason code in PUBACK or PUBREC (e.g. 0x87 not
    /// authorized), or it exceeds the broker's Maximum QoS or uses retain where the broker has none (CONNACK, §3.2.2.3.4, §3.2.2.3.5).
    /// </exception>
    /// <exception cref="MqttPacketTooLargeException">MQTT 5.0: the message exceeds the broker's Maximum Packet Size (§3.2.2.3.6).</exception>
    /// <exception cref="ArgumentException">The message carries MQTT 5.0 properties on an MQTT 3.1.1 connection.</exception>
    public async Task<MqttPublishResult> PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.HasVersion5Properties && _options.ProtocolVersion != MqttProtocolVersion.V500)
        {
            throw new ArgumentException(
                $"The message to '{message.Topic}' carries user properties, a content type or an expiry, which need MQTT 5.0; set MqttClientOptions.ProtocolVersion to V500.",
                nameof(message));
        }

        ThrowIfNotStarted(allowReconnecting: message.QualityOfService != MqttQualityOfService.AtMostOnce);
        var limits = Volatile.Read(ref _serverLimits);
        if ((byte)message.QualityOfService > limits.MaximumQualityOfService)
        {
            // 5.0 §3.2.2.3.4: the client must not send a PUBLISH above the server's Maximum QoS.
            throw new MqttPublishException(message.Topic, MqttReasonCode.QualityOfServiceNotSupported, $"the broker accepts at most QoS {limits.MaximumQualityOfService}");
        }

        if (message.Retain && !limits.RetainAvailable)
        {
            // 5.0 §3.2.2.3.5: the client must not send a retained PUBLISH when Retain Available is 0.
            throw new MqttPublishException(message.Topic, MqttReasonCode.RetainNotSupported, "the broker does not support retained messages");
        }

        var properties = message.ToProperties();
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
                    Properties = properties,
                };
                await SendAsync(RequireConnection(), packet, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                pending = await _session.BeginRequestAsync(
                    message.QualityOfService == MqttQualityOfService.AtLeastOnce ? MqttPacketType.PubAck : MqttPacketType.PubRec,
                    isPublish: true,
                    id => new MqttPublishPacket
                    {
                        Topic = message.Topic,
                        Payload = message.Payload,
                        QualityOfService = message.QualityOfService,
                        Retain = message.Retain,
                        PacketIdentifier = id,
                        Properties = properties,
                    },
                    cancellationToken).ConfigureAwait(false);
                await SendRequestAsync(pending, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _publishOrder.Release();
        }

        if (pending is null)
        {
            return MqttPublishResult.Success;
        }

        var acknowledgement = (MqttIdentifiedPacket)await pending.Acknowledgement.WaitAsync(cancellationToken).ConfigureAwait(false);
        var reasonString = acknowledgement.Properties?.ReasonString;
        if ((byte)acknowledgement.ReasonCode >= 0x80)
        {
            // 5.0 §3.4.2.1, §3.5.2.1, §3.7.2.1: a failure code; the broker did not take the message.
            Log.PublishRefused(_logger, ClientId, message.Topic, acknowledgement.Type, acknowledgement.ReasonCode, reasonString);
            throw new MqttPublishException(message.Topic, acknowledgement.ReasonCode, reasonString);
        }

        return acknowledgement.ReasonCode == MqttReasonCode.Success && reasonString is null
            ? MqttPublishResult.Success
            : new MqttPublishResult(acknowledgement.ReasonCode, reasonString);
    }

    /// <summary>
    /// Sends DISCONNECT (§3.14), closes the connection and completes <see cref="Completion"/> successfully.
    /// Publishes still awaiting acknowledgement fail with <see cref="MqttConnectionClosedException"/>. Messages
    /// already in <see cref="Messages"/> stay readable. Waits at most <see cref="MqttClientOptions.ConnectTimeout"/>
    /// for the broker to close its side (§3.14.4), so the DISCONNECT is not lost to a reset. Stops reconnecting.
    /// Does nothing if the client is already closed.
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || Volatile.Read(ref _state) != StateConnected || Interlocked.Exchange(ref _disconnecting, 1) != 0)
        {
            await CloseAsync(null).ConfigureAwait(false);
            return;
        }

        // Stop handing messages to the application: an unacknowledged QoS 1/2 message stays with the broker.
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
        await _reconnectLoop.ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        await _keepAliveLoop.ConfigureAwait(false);
        _delivery.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Sends the PUBACK (QoS 1, on the connection the message came on) or PUBREC (QoS 2, on the current connection).</summary>
    internal async Task AcknowledgeAsync(MqttReceivedMessage message, MqttConnection connection, long delivery, CancellationToken cancellationToken)
    {
        if (message.QualityOfService == MqttQualityOfService.AtLeastOnce)
        {
            // Frees the message's Receive Maximum slot before the PUBACK can reach the broker (MQTT 5.0 §4.9).
            await connection.SendFlowCompletionAsync(new MqttPubAckPacket(message.PacketIdentifier), cancellationToken).ConfigureAwait(false);
            return;
        }

        // §4.3.3: from now on a redelivery of this identifier is answered with PUBREC, never delivered again.
        if (!_session.MarkIncomingReceived(message.PacketIdentifier, delivery))
        {
            return;
        }

        if (Volatile.Read(ref _state) == StateConnected && _connection is { } current)
        {
            await current.SendAsync(new MqttPubRecPacket(message.PacketIdentifier), cancellationToken).ConfigureAwait(false);
        }
    }

    private MqttConnectPacket CreateConnectPacket() => new()
    {
        ProtocolVersion = _options.ProtocolVersion,
        // An identifier the broker assigned is reused, so a reconnect finds its session (5.0 §3.2.2.3.7).
        ClientId = ClientId,
        CleanSession = _options.CleanSession,
        KeepAliveSeconds = checked((ushort)_options.KeepAlive.TotalSeconds),
        Username = _options.Username,
        // Careful: a null byte[] would convert to an empty, non-null ReadOnlyMemory and set the password flag.
        Password = _options.Password is null ? (ReadOnlyMemory<byte>?)null : System.Text.Encoding.UTF8.GetBytes(_options.Password),
        WillTopic = _options.WillMessage?.Topic,
        WillPayload = _options.WillMessage?.Payload ?? default,
        WillQualityOfService = _options.WillMessage?.QualityOfService ?? MqttQualityOfService.AtMostOnce,
        WillRetain = _options.WillMessage?.Retain ?? false,
        Properties = _options.ProtocolVersion == MqttProtocolVersion.V500 ? CreateConnectProperties() : null,
        WillProperties = _options.WillMessage?.ToProperties(),
    };

    /// <summary>
    /// 5.0 §3.1.2.11: Session Expiry Interval (absent means 0), Receive Maximum (absent means 65,535), Maximum
    /// Packet Size (absent means no limit: ours is always sent). Topic Alias Maximum is left absent, i.e. 0: the
    /// server must not use topic aliases towards us (§3.1.2.11.5).
    /// </summary>
    private MqttProperties CreateConnectProperties() => new()
    {
        SessionExpiryInterval = _options.SessionExpiryInterval > TimeSpan.Zero ? (uint)_options.SessionExpiryInterval.TotalSeconds : null,
        ReceiveMaximum = _options.ReceiveMaximum < ushort.MaxValue ? (ushort)_options.ReceiveMaximum : null,
        MaximumPacketSize = (uint)_options.MaximumIncomingPacketSize,
    };

    /// <summary>One connection attempt: TCP connect, CONNECT, CONNACK, within the connect timeout.</summary>
    private async Task<(MqttConnection Connection, bool SessionPresent)> OpenAsync(CancellationToken cancellationToken)
    {
        Log.Connecting(_logger, _options.Host, _options.Port, ClientId);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _shutdown.Token);
        MqttConnection? connection = null;
        try
        {
            var stream = await MqttConnection.ConnectAsync(_options.Host, _options.Port, _options.Tls, linked.Token).ConfigureAwait(false);
#pragma warning disable CA2000 // Ownership passes to the caller on success; the finally block disposes it otherwise.
            connection = new MqttConnection(stream, _options.ProtocolVersion, _options.MaximumIncomingPacketSize, _timeProvider);
#pragma warning restore CA2000
            await connection.SendAsync(CreateConnectPacket(), linked.Token).ConfigureAwait(false);

            // §3.2: the first packet from the broker must be CONNACK.
            var first = await connection.ReceiveAsync(linked.Token).ConfigureAwait(false);
            if (first is not MqttConnAckPacket connAck)
            {
                throw new MqttProtocolException(
                    MqttProtocolError.UnexpectedPacket, $"The MQTT broker sent {first.Type} before CONNACK (§3.2).");
            }

            if (_options.ProtocolVersion == MqttProtocolVersion.V500)
            {
                if (connAck.ReasonCode != MqttReasonCode.Success)
                {
                    // 5.0 §3.2.2.2: any code but 0x00 refuses the connection.
                    Log.ConnectionRefusedWithReason(_logger, ClientId, connAck.ReasonCode, connAck.Properties.ReasonString);
                    throw new MqttConnectException(connAck.ReasonCode, connAck.Properties.ReasonString);
                }

                ApplyConnAckProperties(connection, connAck.Properties);
            }
            else
            {
                if (connAck.ReturnCode != MqttConnectReturnCode.Accepted)
                {
                    Log.ConnectionRefused(_logger, ClientId, connAck.ReturnCode);
                    throw new MqttConnectException(connAck.ReturnCode);
                }

                connection.KeepAlive = _options.KeepAlive;
            }

            var opened = (connection, connAck.SessionPresent);
            connection = null;
            return opened;
        }
        catch (Exception exception)
        {
            var failure = exception is OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? new TimeoutException(
                    $"The MQTT broker at {_options.Host}:{_options.Port} did not accept the connection within MqttClientOptions.ConnectTimeout ({_options.ConnectTimeout.TotalSeconds:0.###} s).",
                    exception)
                : exception;
            if (failure is MqttProtocolException protocol)
            {
                MqttMetrics.RecordProtocolError(protocol.Error);
            }

            if (failure is not MqttConnectException && !_shutdown.IsCancellationRequested)
            {
                Log.ConnectFailed(_logger, ClientId, _options.Host, _options.Port, failure);
            }

            if (ReferenceEquals(failure, exception))
            {
                ExceptionDispatchInfo.Throw(exception);
            }

            throw failure;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What the server told us in its MQTT 5.0 CONNACK (§3.2.2.3) and this client must honour.</summary>
    private void ApplyConnAckProperties(MqttConnection connection, MqttProperties properties)
    {
        // §3.2.2.3.7: the identifier the server assigned when ours was empty.
        if (properties.AssignedClientIdentifier is { Length: > 0 } assigned && _options.ClientId.Length == 0)
        {
            Volatile.Write(ref _assignedClientId, assigned);
        }

        // §3.2.2.3.6: never send a packet larger than the server accepts.
        connection.PeerMaximumPacketSize = properties.MaximumPacketSize is { } maximum ? (int)Math.Min(maximum, int.MaxValue) : int.MaxValue;

        // §3.2.2.3.14: the server's keep-alive replaces ours.
        connection.KeepAlive = properties.ServerKeepAlive is { } serverKeepAlive ? TimeSpan.FromSeconds(serverKeepAlive) : _options.KeepAlive;

        // §3.1.2.11.3: our Receive Maximum, enforced on what the server sends.
        connection.ReceiveMaximum = _options.ReceiveMaximum;

        // §3.2.2.3.3, §4.9: no more unacknowledged QoS 1 and 2 publishes than the server's Receive Maximum.
        _session.SetServerReceiveMaximum(properties.ReceiveMaximum);
        Volatile.Write(ref _serverLimits, new MqttServerLimits(properties.MaximumQualityOfService ?? 2, properties.RetainAvailable != 0));
    }

    /// <summary>Makes <paramref name="connection"/> the current one and starts its loops, unless the client closed meanwhile.</summary>
    private bool TryStart(MqttConnection connection, bool sessionPresent, int expectedState)
    {
        lock (_stateLock)
        {
            if (_state != expectedState)
            {
                return false;
            }

            _connection = connection;
            SessionPresent = sessionPresent;
            _state = StateConnected;
            Interlocked.Increment(ref _connections);
        }

        if (!sessionPresent)
        {
            // §3.2.2.2: the broker has no session, so it forgot the QoS 2 messages it was sending us.
            _session.ForgetIncoming();
        }

        Log.Connected(_logger, ClientId, sessionPresent);
        _readLoop = Task.Run(() => ReadLoopAsync(connection), CancellationToken.None);
        _keepAliveLoop = Task.Run(() => KeepAliveLoopAsync(connection), CancellationToken.None);
        return true;
    }

    /// <summary>
    /// After CONNACK: resends what the session holds (§4.4), restores subscriptions the broker forgot,
    /// announces the client online, and raises <see cref="Connected"/>.
    /// </summary>
    private async Task ResumeAsync(MqttConnection connection, bool sessionPresent, bool isReconnect)
    {
        var resent = 0;
        foreach (var pending in _session.Snapshot())
        {
            if (!pending.TryClaim(connection, out var packet))
            {
                continue;
            }

            try
            {
                await SendAsync(connection, packet, _shutdown.Token).ConfigureAwait(false);
            }
            catch (MqttPacketTooLargeException exception)
            {
                // The new connection's server accepts smaller packets (5.0 §3.2.2.3.6): this one can never be sent.
                _session.Abandon(pending, exception);
                continue;
            }

            resent++;
        }

        if (resent > 0)
        {
            MqttMetrics.Resends.Add(resent);
            Log.Resent(_logger, ClientId, resent);
        }

        if (isReconnect && !sessionPresent)
        {
            MqttTopicFilter[] filters;
            lock (_stateLock)
            {
                filters = [.. _subscriptions.Values];
            }

            if (filters.Length > 0)
            {
                var results = await SubscribeCoreAsync(filters, _shutdown.Token).ConfigureAwait(false);
                foreach (var refused in results.Where(result => !result.Succeeded))
                {
                    Log.ResubscriptionRefused(_logger, ClientId, refused.Filter.Filter);
                }

                Log.Resubscribed(_logger, ClientId, filters.Length);
            }
        }

        if (_options.OnlineMessage is { } online)
        {
            // Not awaited to its acknowledgement: a QoS 1 announcement stays in the session and is resent if need be.
            _ = PublishOnlineAsync(online);
        }

        Connected?.Invoke(this, new MqttConnectedEventArgs(sessionPresent, isReconnect));
    }

    private async Task PublishOnlineAsync(MqttApplicationMessage online)
    {
        try
        {
            await PublishAsync(online, _shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Closed meanwhile; the next connection announces again.
        }
    }

    private async Task<MqttSubscribeResult[]> SubscribeCoreAsync(MqttTopicFilter[] filters, CancellationToken cancellationToken)
    {
        var acknowledgement = await RequestAsync(
            MqttPacketType.SubAck, id => new MqttSubscribePacket(id, filters), cancellationToken).ConfigureAwait(false);
        var subAck = (MqttSubAckPacket)acknowledgement;
        var results = new MqttSubscribeResult[filters.Length];
        for (var index = 0; index < filters.Length; index++)
        {
            results[index] = new MqttSubscribeResult(filters[index], subAck.ReturnCodes[index]) { ReasonString = subAck.Properties?.ReasonString };
        }

        return results;
    }

    private void ThrowIfNotStarted(bool allowReconnecting)
    {
        switch (Volatile.Read(ref _state))
        {
            case StateNew:
            case StateConnecting:
                throw new InvalidOperationException("The MQTT client is not connected yet: await ConnectAsync first.");
            case StateClosed:
                throw new MqttConnectionClosedException("The MQTT connection is closed.", Completion.Exception?.InnerException);
            case StateReconnecting when !allowReconnecting:
                throw new MqttConnectionClosedException("The MQTT client is reconnecting; a QoS 0 message is not queued. Retry, or publish with QoS 1.");
            default:
                break;
        }
    }

    private MqttConnection RequireConnection()
    {
        ThrowIfNotStarted(allowReconnecting: false);
        return _connection!;
    }

    /// <summary>Sends a request that carries a packet identifier and waits for its acknowledgement (§2.3.1).</summary>
    private async Task<MqttPacket> RequestAsync(MqttPacketType acknowledgementType, Func<ushort, MqttPacket> createRequest, CancellationToken cancellationToken)
    {
        RequireConnection();
        var pending = await _session.BeginRequestAsync(acknowledgementType, isPublish: false, createRequest, cancellationToken).ConfigureAwait(false);
        await SendRequestAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Acknowledgement.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a registered request on the current connection. While reconnecting a publish is left for the
    /// next connection's resend pass (<see cref="ResumeAsync"/>); the per-connection claim makes sure only one
    /// of the two writes it.
    /// </summary>
    private async Task SendRequestAsync(MqttPendingRequest pending, CancellationToken cancellationToken)
    {
        var connection = Volatile.Read(ref _state) == StateConnected ? _connection : null;
        if (connection is null)
        {
            if (pending.HoldsPublishSlot && _options.AutomaticReconnect && Volatile.Read(ref _state) == StateReconnecting)
            {
                return;
            }

            var closed = new MqttConnectionClosedException("The MQTT client is not connected.");
            _session.Abandon(pending, closed);
            throw closed;
        }

        if (!pending.TryClaim(connection, out var packet))
        {
            return;
        }

        try
        {
            await SendAsync(connection, packet, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttConnectionClosedException) when (pending.HoldsPublishSlot && _options.AutomaticReconnect && Volatile.Read(ref _disconnecting) == 0)
        {
            // The next connection resends it.
        }
        catch (Exception exception)
        {
            // Not written (cancelled while waiting for the writer, not encodable, or the connection is gone).
            pending.ReleaseClaim(connection);
            _session.Abandon(pending, exception);
            throw;
        }
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
            await ConnectionFailedAsync(connection, exception.InnerException).ConfigureAwait(false);
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

        if (failure is MqttProtocolException violation && _options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            await SendDisconnectForViolationAsync(connection, violation).ConfigureAwait(false);
        }

        if (failure is null || Volatile.Read(ref _disconnecting) != 0)
        {
            // After our DISCONNECT the broker closing the connection is the expected end (§3.14.4).
            if (ReferenceEquals(connection, _connection))
            {
                await CloseAsync(null).ConfigureAwait(false);
            }
        }
        else
        {
            await ConnectionFailedAsync(connection, failure).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// MQTT 5.0 §4.13.1: on a malformed packet or protocol error the client may send DISCONNECT with the reason
    /// before closing, so the broker logs why. Best effort and bounded: the connection is closing anyway.
    /// </summary>
    private async Task SendDisconnectForViolationAsync(MqttConnection connection, MqttProtocolException violation)
    {
        var reasonCode = violation.Error switch
        {
            MqttProtocolError.PacketTooLarge => MqttReasonCode.PacketTooLarge,
            MqttProtocolError.ReceiveMaximumExceeded => MqttReasonCode.ReceiveMaximumExceeded,
            MqttProtocolError.TopicAliasInvalid => MqttReasonCode.TopicAliasInvalid,
            MqttProtocolError.MalformedRemainingLength or MqttProtocolError.MalformedPacket or MqttProtocolError.MalformedProperty
                or MqttProtocolError.InvalidUtf8String or MqttProtocolError.TruncatedPacket or MqttProtocolError.InvalidFlags => MqttReasonCode.MalformedPacket,
            _ => MqttReasonCode.ProtocolError,
        };
        try
        {
            await connection.SendAsync(new MqttDisconnectPacket(reasonCode), CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(1), _timeProvider).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone already.
        }
    }

    private async Task HandleAsync(MqttConnection connection, MqttPacket packet)
    {
        switch (packet)
        {
            case MqttPublishPacket publish:
                await ReceivePublishAsync(connection, publish).ConfigureAwait(false);
                break;
            case MqttPubAckPacket pubAck:
                Acknowledge(pubAck.PacketIdentifier, packet);
                break;
            case MqttPubRecPacket { ReasonCode: >= MqttReasonCode.UnspecifiedError } refusedPubRec:
                // 5.0 §4.3.3: a PUBREC with a failure code ends the exchange; no PUBREL, the identifier is free.
                Acknowledge(refusedPubRec.PacketIdentifier, packet);
                break;
            case MqttPubRecPacket pubRec:
                // §4.3.3: our QoS 2 publish reached the broker; release it with PUBREL.
                if (!_session.TryAdvanceToRelease(pubRec.PacketIdentifier, out var releasing))
                {
                    throw UnknownIdentifier(packet.Type, pubRec.PacketIdentifier);
                }

                if (releasing!.TryClaim(connection, out var release))
                {
                    await connection.SendAsync(release, _shutdown.Token).ConfigureAwait(false);
                }

                break;
            case MqttPubCompPacket pubComp:
                Acknowledge(pubComp.PacketIdentifier, packet);
                break;
            case MqttPubRelPacket pubRel:
                // §4.3.3: the broker releases a QoS 2 message we acknowledged with PUBREC; the identifier is free
                // again. A PUBREL is always answered with PUBCOMP (§4.3.3, receiver method B). One for an
                // identifier whose current message the application still holds comes from a broker that lost
                // state in a crash: that message keeps its state, so its redelivery is still recognised.
                if (!_session.TryReleaseIncoming(pubRel.PacketIdentifier))
                {
                    Log.ReleaseOfHeldMessage(_logger, ClientId, pubRel.PacketIdentifier);
                }

                await connection.SendFlowCompletionAsync(new MqttPubCompPacket(pubRel.PacketIdentifier), _shutdown.Token).ConfigureAwait(false);
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
            case MqttDisconnectPacket disconnect when connection.ProtocolVersion == MqttProtocolVersion.V500:
                // 5.0 §3.14: the server ends the connection and says why.
                Log.DisconnectedByServer(_logger, ClientId, disconnect.ReasonCode, disconnect.Properties.ReasonString);
                throw new MqttDisconnectedByServerException(disconnect.ReasonCode, disconnect.Properties.ReasonString, disconnect.Properties.ServerReference);
            case MqttAuthPacket:
                // 5.0 §4.12: without an Authentication Method in our CONNECT the server must not send AUTH; refused.
                throw new MqttProtocolException(
                    MqttProtocolError.UnexpectedPacket, "The MQTT broker sent AUTH, but this client does not use enhanced authentication (MQTT 5.0 §4.12).");
            default:
                throw new MqttProtocolException(
                    MqttProtocolError.UnexpectedPacket, $"The MQTT broker sent {packet.Type}, which only a client may send (§2.2.1).");
        }
    }

    private static MqttProtocolException UnknownIdentifier(MqttPacketType type, ushort packetIdentifier) => new(
        MqttProtocolError.UnknownPacketIdentifier,
        $"The MQTT broker sent {type} for packet identifier {packetIdentifier}, which has no request awaiting it (§2.3.1).");

    private void Acknowledge(ushort packetIdentifier, MqttPacket acknowledgement)
    {
        if (!_session.TryTake(packetIdentifier, acknowledgement.Type, out var pending))
        {
            throw UnknownIdentifier(acknowledgement.Type, packetIdentifier);
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

        // 5.0 §3.11.3: one UNSUBACK reason code per filter, in order.
        if (acknowledgement is MqttUnsubAckPacket { ReasonCodes.Count: > 0 } unsubAck && pending!.Request is MqttUnsubscribePacket unsubscribe
            && unsubAck.ReasonCodes.Count != unsubscribe.Filters.Count)
        {
            var exception = new MqttProtocolException(
                MqttProtocolError.MalformedPacket,
                $"The MQTT broker sent {unsubAck.ReasonCodes.Count} UNSUBACK reason codes for {unsubscribe.Filters.Count} topic filters (MQTT 5.0 §3.11.3).");
            pending.Fail(exception);
            throw exception;
        }

        pending!.Complete(acknowledgement);
    }

    private async Task ReceivePublishAsync(MqttConnection connection, MqttPublishPacket publish)
    {
        Log.PublishReceived(_logger, publish.Topic, publish.QualityOfService, publish.PacketIdentifier, publish.Duplicate);
        if (publish.Properties?.TopicAlias is not null)
        {
            // 5.0 §3.3.2.3.4: we announce Topic Alias Maximum 0, so any alias is invalid.
            throw new MqttProtocolException(
                MqttProtocolError.TopicAliasInvalid, "The MQTT broker sent a topic alias although this client accepts none (Topic Alias Maximum 0, MQTT 5.0 §3.3.2.3.4).");
        }

        if (!connection.TakeReceiveSlot(publish.QualityOfService, publish.PacketIdentifier))
        {
            // MQTT 5.0 §3.3.4: the server must not send more than our Receive Maximum of unacknowledged QoS 1 and 2
            // publishes, and a client may close with 0x93 when it does. This one counts it, logs it once per connection
            // and accepts the message: mosquitto before 2.0.13 (Debian 12 ships 2.0.11) overruns the quota under a
            // backlog (its 2.0.13 ChangeLog: "Various fixes around inflight quota management", eclipse-mosquitto issue
            // 2306), and closing would only have it send the same messages again (§4.4), never draining the backlog.
            // What the client holds stays bounded: reading pauses while the receive buffer (ReceiveBufferCapacity) is
            // full, and TCP holds the rest.
            Interlocked.Increment(ref _receiveMaximumExcesses);
            MqttMetrics.ReceiveMaximumExcesses.Add(1);
            if (!connection.ReceiveMaximumExceeded)
            {
                connection.ReceiveMaximumExceeded = true;
                Log.ReceiveMaximumExceeded(_logger, ClientId, connection.ReceiveMaximum);
            }
        }

        long delivery = 0;
        if (publish.QualityOfService == MqttQualityOfService.ExactlyOnce)
        {
            var state = _session.RecordIncomingExactlyOnce(publish.PacketIdentifier, publish.Duplicate, out delivery, out var replaced);
            if (replaced)
            {
                Log.IdentifierReusedWithoutDuplicate(_logger, ClientId, publish.PacketIdentifier);
            }

            switch (state)
            {
                case true:
                    // Redelivered after our PUBREC was lost: answer again, deliver nothing (§4.3.3).
                    Log.DuplicateExactlyOnce(_logger, publish.PacketIdentifier);
                    await connection.SendAsync(new MqttPubRecPacket(publish.PacketIdentifier), _shutdown.Token).ConfigureAwait(false);
                    return;
                case false:
                    // The application holds it and has not acknowledged yet; its acknowledgement sends the PUBREC.
                    Log.DuplicateExactlyOnce(_logger, publish.PacketIdentifier);
                    return;
                default:
                    break;
            }
        }

        var message = new MqttReceivedMessage(publish, this, connection, delivery);
        try
        {
            await _messages.Writer.WriteAsync(message, _delivery.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref _disconnecting) != 0 && !_shutdown.IsCancellationRequested)
        {
            // Disconnecting: the message is not acknowledged, so a persistent session keeps it (§4.4).
            return;
        }

        // With automatic acknowledgement the PUBACK/PUBREC follows the hand-over to the application, so
        // acknowledgements leave in receive order (§4.6) and only for messages the application holds.
        if (_options.AutoAcknowledge)
        {
            await message.AcknowledgeAsync(_shutdown.Token).ConfigureAwait(false);
        }
    }

    private async Task KeepAliveLoopAsync(MqttConnection connection)
    {
        var keepAlive = connection.KeepAlive;
        if (keepAlive == TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token, connection.Closing);
        var token = stop.Token;
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
                    Log.PingSent(_logger, ClientId);
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
            Log.KeepAliveTimeout(_logger, ClientId, keepAlive.TotalSeconds);
            await ConnectionFailedAsync(connection, exception).ConfigureAwait(false);
        }
        catch (MqttConnectionClosedException exception)
        {
            await ConnectionFailedAsync(connection, exception.InnerException ?? exception).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Whatever ended the loop ends the connection through Completion, never through DisposeAsync.
            await ConnectionFailedAsync(connection, exception).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <paramref name="connection"/> died. Without automatic reconnect (or while disconnecting) the client
    /// closes; otherwise, once per connection, the session is kept and the reconnect loop starts.
    /// </summary>
    private async Task ConnectionFailedAsync(MqttConnection connection, Exception reason)
    {
        if (!_options.AutomaticReconnect || Volatile.Read(ref _disconnecting) != 0 || _shutdown.IsCancellationRequested)
        {
            if (ReferenceEquals(connection, _connection))
            {
                await CloseAsync(Volatile.Read(ref _disconnecting) != 0 ? null : reason).ConfigureAwait(false);
            }

            return;
        }

        lock (_stateLock)
        {
            if (!ReferenceEquals(_connection, connection) || _state != StateConnected)
            {
                return;
            }

            _state = StateReconnecting;
        }

        LogConnectionEnd(reason);
        await connection.DisposeAsync().ConfigureAwait(false);
        _session.FailNonPublishRequests(new MqttConnectionClosedException("The MQTT connection was lost before the broker acknowledged the request.", reason));
        ConnectionLost?.Invoke(this, new MqttConnectionLostEventArgs(reason));
        _reconnectLoop = Task.Run(() => ReconnectLoopAsync(reason), CancellationToken.None);
    }

    /// <summary>Retries the connection with the reconnect backoff until it succeeds or the client closes.</summary>
    private async Task ReconnectLoopAsync(Exception reason)
    {
        var token = _shutdown.Token;
        var lost = true;
        MqttConnection connection;
        bool sessionPresent;
        try
        {
            (connection, sessionPresent) = await _reconnect.ExecuteAsync(cancellationToken =>
            {
                // The first attempt is the connection just lost: reporting it as failed makes the backoff wait (jittered)
                // before the first reconnect too, so clients that lost the same broker do not all come back at once.
                if (lost)
                {
                    lost = false;
                    throw new MqttConnectionClosedException("The MQTT connection was lost.", reason);
                }

                return new ValueTask<(MqttConnection, bool)>(OpenAsync(cancellationToken));
            }, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }

        if (!TryStart(connection, sessionPresent, StateReconnecting))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        MqttMetrics.Reconnects.Add(1);
        try
        {
            await ResumeAsync(connection, sessionPresent, isReconnect: true).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // The new connection failed too; its failure started the next reconnect loop.
            Log.ResumeFailed(_logger, ClientId, exception);
        }
    }

    private static bool IsRetryable(Exception exception) => exception is IOException or System.Net.Sockets.SocketException
        or System.Security.Authentication.AuthenticationException or TimeoutException or MqttProtocolException or MqttConnectException or OperationCanceledException;

    private void LogConnectionEnd(Exception reason)
    {
        switch (reason)
        {
            case MqttProtocolException protocol:
                MqttMetrics.RecordProtocolError(protocol.Error);
                MqttMetrics.ConnectionsLost.Add(1);
                Log.ProtocolViolation(_logger, ClientId, protocol.Error, protocol);
                break;
            case MqttKeepAliveTimeoutException:
            case MqttDisconnectedByServerException:
                // Logged where detected, with the keep-alive or the server's reason code and string.
                MqttMetrics.ConnectionsLost.Add(1);
                break;
            case MqttConnectException or TimeoutException:
                break;
            default:
                MqttMetrics.ConnectionsLost.Add(1);
                Log.ConnectionLost(_logger, ClientId, reason);
                break;
        }
    }

    /// <summary>Ends the client once: <paramref name="reason"/> <see langword="null"/> means a clean end.</summary>
    private async Task CloseAsync(Exception? reason)
    {
        MqttConnection? connection;
        lock (_stateLock)
        {
            if (_state == StateClosed)
            {
                return;
            }

            _state = StateClosed;
            connection = _connection;
        }

        if (reason is null)
        {
            Log.Disconnected(_logger, ClientId);
        }
        else if (connection is not null)
        {
            // A failed ConnectAsync was logged where it failed.
            LogConnectionEnd(reason);
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);

        if (connection is not null)
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
