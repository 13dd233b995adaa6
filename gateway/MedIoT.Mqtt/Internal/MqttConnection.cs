using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Internal;

/// <summary>
/// One network connection carrying MQTT packets over a <see cref="Stream"/> (a <see cref="NetworkStream"/>,
/// or an <see cref="SslStream"/> over one). Reads are framed by <see cref="MqttPacketReader"/> over a
/// <see cref="PipeReader"/> and used by one reader at a time; writes are serialised by a semaphore so
/// packets never interleave.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly MqttProtocolVersion _protocolVersion;
    private readonly int _maximumPacketSize;
    private readonly TimeProvider _timeProvider;
    private readonly MqttTopicCache _topics = new();
    private readonly Lock _receiveQuotaLock = new();
    private readonly HashSet<ushort> _incomingExactlyOnce = [];
    private int _incomingAtLeastOnce;
    private long _lastSentTimestamp;
    private long _packetsReceived;
    private int _closed;

    public MqttConnection(Stream stream, MqttProtocolVersion protocolVersion, int maximumPacketSize, TimeProvider timeProvider)
    {
        _stream = stream;
        _protocolVersion = protocolVersion;
        _maximumPacketSize = maximumPacketSize;
        _timeProvider = timeProvider;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _lastSentTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>When the last packet was written, as a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    public long LastSentTimestamp => Volatile.Read(ref _lastSentTimestamp);

    /// <summary>Cancelled when the connection closes.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>The protocol version of this connection.</summary>
    public MqttProtocolVersion ProtocolVersion => _protocolVersion;

    /// <summary>
    /// The largest packet the server accepts (MQTT 5.0 §3.2.2.3.6, from CONNACK); <see cref="int.MaxValue"/> when
    /// it set no limit. Larger packets are refused before anything is written (§3.1.2.11.4 mirrored for the client).
    /// </summary>
    public int PeerMaximumPacketSize { get; set; } = int.MaxValue;

    /// <summary>
    /// Our Receive Maximum (MQTT 5.0 §3.1.2.11.3): how many QoS 1 and 2 publishes the server may have unacknowledged
    /// with us at once on this connection; 0 for no check (3.1.1).
    /// </summary>
    public int ReceiveMaximum { get; set; }

    /// <summary>The keep-alive in force: ours, or the server's (MQTT 5.0 §3.2.2.3.14).</summary>
    public TimeSpan KeepAlive { get; set; }

    /// <summary>Whether the server has exceeded our Receive Maximum on this connection (reported once per connection).</summary>
    public bool ReceiveMaximumExceeded { get; set; }

    /// <summary>
    /// A QoS 1 or 2 PUBLISH arrived: it takes one of our Receive Maximum slots until its PUBACK (QoS 1) or PUBCOMP
    /// (QoS 2) is written (MQTT 5.0 §4.9, <see cref="SendFlowCompletionAsync(MqttPubAckPacket, CancellationToken)"/>).
    /// A QoS 2 identifier already counted on this connection (a redelivery) takes none. False when the server has
    /// exceeded our Receive Maximum (§3.3.4): the slot is taken all the same, because the message is accepted, so the
    /// count stays exact for the messages after it.
    /// </summary>
    public bool TakeReceiveSlot(MqttQualityOfService qualityOfService, ushort packetIdentifier)
    {
        if (ReceiveMaximum == 0 || qualityOfService == MqttQualityOfService.AtMostOnce)
        {
            return true;
        }

        lock (_receiveQuotaLock)
        {
            if (qualityOfService == MqttQualityOfService.ExactlyOnce && _incomingExactlyOnce.Contains(packetIdentifier))
            {
                return true;
            }

            var withinReceiveMaximum = _incomingAtLeastOnce + _incomingExactlyOnce.Count < ReceiveMaximum;
            if (qualityOfService == MqttQualityOfService.AtLeastOnce)
            {
                _incomingAtLeastOnce++;
            }
            else
            {
                _incomingExactlyOnce.Add(packetIdentifier);
            }

            return withinReceiveMaximum;
        }
    }

    /// <summary>The PUBACK (QoS 1) or PUBCOMP (QoS 2) of a received message is about to be written: its slot is free again.</summary>
    private void ReturnReceiveSlot(MqttQualityOfService qualityOfService, ushort packetIdentifier)
    {
        if (ReceiveMaximum == 0)
        {
            return;
        }

        lock (_receiveQuotaLock)
        {
            if (qualityOfService == MqttQualityOfService.AtLeastOnce)
            {
                _incomingAtLeastOnce = Math.Max(0, _incomingAtLeastOnce - 1);
            }
            else
            {
                _incomingExactlyOnce.Remove(packetIdentifier);
            }
        }
    }

    /// <summary>How many packets have been read; the keep-alive monitor watches it change.</summary>
    public long PacketsReceived => Volatile.Read(ref _packetsReceived);

    /// <summary>Opens a TCP connection to <paramref name="host"/>:<paramref name="port"/>.</summary>
    private static async Task<Stream> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        Socket? socket = new(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            socket = null;
            return stream;
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>
    /// Opens a TCP connection and, if <paramref name="tls"/> is set, authenticates the broker with TLS
    /// (and this client, with a client certificate).
    /// </summary>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The TLS handshake failed: the broker's certificate is not trusted or does not name the host, or the broker refused ours.</exception>
    public static async Task<Stream> ConnectAsync(string host, int port, MqttTlsOptions? tls, CancellationToken cancellationToken)
    {
        var stream = await ConnectTcpAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (tls is null)
        {
            return stream;
        }

        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = tls.TargetHost ?? host,
                EnabledSslProtocols = tls.EnabledProtocols,
                CertificateRevocationCheckMode = tls.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
            };
            if (tls.ClientCertificate is { } clientCertificate)
            {
                options.ClientCertificates = [clientCertificate];
            }

            if (tls.TrustedCertificateAuthorities is { Count: > 0 } authorities)
            {
                options.CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = options.CertificateRevocationCheckMode,
                };
                options.CertificateChainPolicy.CustomTrustStore.AddRange(authorities);
            }

            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            var authenticated = ssl;
            ssl = null;
            return authenticated;
        }
        finally
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads the next packet.</summary>
    /// <exception cref="MqttProtocolException">The peer sent bytes that are not a valid packet.</exception>
    /// <exception cref="IOException">The peer closed the connection or it failed.</exception>
    public async ValueTask<MqttPacket> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            switch (MqttPacketReader.TryReadPacket(ref buffer, _protocolVersion, _maximumPacketSize, _topics, out var packet, out var error))
            {
                case MqttReadStatus.Done:
                    _reader.AdvanceTo(buffer.Start);
                    Interlocked.Increment(ref _packetsReceived);
                    return packet!;
                case MqttReadStatus.Error:
                    _reader.AdvanceTo(result.Buffer.Start);
                    throw new MqttProtocolException(error, Describe(error));
                default:
                    // Nothing consumed, everything examined: the next read waits for more bytes.
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }

            if (result.IsCompleted)
            {
                if (buffer.IsEmpty)
                {
                    throw new IOException("The MQTT broker closed the connection.");
                }

                throw new MqttProtocolException(MqttProtocolError.TruncatedPacket, "The MQTT broker closed the connection in the middle of a packet.");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("Reading from the MQTT connection was cancelled.");
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="packet"/> and flushes it. <paramref name="cancellationToken"/> only cancels
    /// the wait for the write lock: once a packet has started, it is written whole, because a torn packet
    /// would desynchronise the stream; a stalled write ends only when the connection closes.
    /// </summary>
    /// <exception cref="MqttConnectionClosedException">The connection is closed or failed.</exception>
    public Task SendAsync(MqttPacket packet, CancellationToken cancellationToken) => SendAsync(packet, null, cancellationToken);

    /// <summary>
    /// Writes the PUBACK that ends the flow of a QoS 1 message received on this connection, freeing its Receive Maximum
    /// slot before the packet is written, never after. MQTT 5.0 §4.9: the server's send quota grows again as the PUBACK
    /// or PUBCOMP reaches it, so it may send the next QoS 1 or 2 PUBLISH at once, and §3.3.4 limits it only to Receive
    /// Maximum publishes "for which it has not received PUBACK, PUBCOMP, or PUBREC with a Reason Code of 128 or
    /// greater". A slot freed after the write leaves a moment in which that next PUBLISH is read while the slot still
    /// looks taken, so a broker that keeps exactly our Receive Maximum in flight (mosquitto with
    /// <c>max_inflight_messages</c> equal to it) would be refused as exceeding it. The slot is freed only once the
    /// write lock is held and the connection is open, so a cancelled wait frees nothing; a write that fails after that
    /// loses the connection, and slots belong to one connection.
    /// </summary>
    /// <exception cref="MqttConnectionClosedException">The connection is closed or failed.</exception>
    public Task SendFlowCompletionAsync(MqttPubAckPacket pubAck, CancellationToken cancellationToken) =>
        SendAsync(pubAck, (MqttQualityOfService.AtLeastOnce, pubAck.PacketIdentifier), cancellationToken);

    /// <summary>
    /// Writes the PUBACKs of several QoS 1 messages received on this connection, in the order given, and flushes once: one
    /// socket write for the lot instead of one per message (the journal acknowledges a whole group commit at a time).
    /// Frees each Receive Maximum slot before the packets are written, as <see cref="SendFlowCompletionAsync(MqttPubAckPacket, CancellationToken)"/> does.
    /// </summary>
    /// <exception cref="MqttConnectionClosedException">The connection is closed or failed.</exception>
    public Task SendPubAcksAsync(IReadOnlyList<ushort> packetIdentifiers, CancellationToken cancellationToken) =>
        WriteLockedAsync(packetIdentifiers, static (connection, identifiers) =>
        {
            foreach (var packetIdentifier in identifiers)
            {
                // A PUBACK too large for the server throws before it is written; those before it are whole and flushed later.
                connection.WritePacket(new MqttPubAckPacket(packetIdentifier), (MqttQualityOfService.AtLeastOnce, packetIdentifier));
            }
        }, cancellationToken);

    /// <summary>Writes the PUBCOMP that ends the flow of a QoS 2 message, freeing its slot first (see the PUBACK overload).</summary>
    /// <exception cref="MqttConnectionClosedException">The connection is closed or failed.</exception>
    public Task SendFlowCompletionAsync(MqttPubCompPacket pubComp, CancellationToken cancellationToken) =>
        SendAsync(pubComp, (MqttQualityOfService.ExactlyOnce, pubComp.PacketIdentifier), cancellationToken);

    private Task SendAsync(MqttPacket packet, (MqttQualityOfService QualityOfService, ushort PacketIdentifier)? freedSlot, CancellationToken cancellationToken) =>
        WriteLockedAsync((packet, freedSlot), static (connection, state) => connection.WritePacket(state.packet, state.freedSlot), cancellationToken);

    // Takes the write lock (the only wait the token cancels), refuses a closed connection, lets write put whole packets into
    // the pipe, then flushes them in one write.
    private async Task WriteLockedAsync<TState>(TState state, Action<MqttConnection, TState> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                throw new MqttConnectionClosedException("The MQTT connection is closed.");
            }

            write(this, state);
            await FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // Called with the write lock held. Throws before writing anything when the packet cannot be encoded or is too large for
    // the server; frees the slot of a flow the packet completes just before it is written.
    private void WritePacket(MqttPacket packet, (MqttQualityOfService QualityOfService, ushort PacketIdentifier)? freedSlot)
    {
        if (PeerMaximumPacketSize != int.MaxValue && MqttPacketWriter.GetPacketSize(packet, _protocolVersion) is var size && size > PeerMaximumPacketSize)
        {
            throw new MqttPacketTooLargeException(packet.Type.ToString(), size, PeerMaximumPacketSize);
        }

        if (freedSlot is { } slot)
        {
            ReturnReceiveSlot(slot.QualityOfService, slot.PacketIdentifier);
        }

        MqttPacketWriter.Write(packet, _protocolVersion, _writer);
    }

    // Called with the write lock held, after the packets were written to the pipe.
    private async Task FlushAsync()
    {
        FlushResult flush;
        try
        {
            flush = await _writer.FlushAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            throw new MqttConnectionClosedException("Writing to the MQTT broker failed; the connection is lost.", exception);
        }

        if (flush.IsCanceled || flush.IsCompleted)
        {
            throw new MqttConnectionClosedException("The MQTT connection closed while a packet was being written.");
        }

        Volatile.Write(ref _lastSentTimestamp, _timeProvider.GetTimestamp());
    }

    /// <summary>Lets the reading side finish; called by the only reader once it stops reading.</summary>
    public void CompleteReader() => _reader.Complete();

    /// <summary>Closes the connection: stalled writes and reads fail at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);

        // Any write in progress fails now that the stream is gone; then the writer can be completed safely.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Completing flushes what a failed write left buffered, into a stream that is gone.
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string Describe(MqttProtocolError error) => error switch
    {
        MqttProtocolError.MalformedRemainingLength => "The MQTT broker sent a Remaining Length longer than four bytes (§2.2.3).",
        MqttProtocolError.PacketTooLarge => "The MQTT broker sent a packet larger than MqttClientOptions.MaximumIncomingPacketSize.",
        MqttProtocolError.UnknownPacketType => "The MQTT broker sent a reserved packet type (§2.2.1).",
        MqttProtocolError.InvalidFlags => "The MQTT broker sent fixed-header flags not allowed for the packet type (§2.2.2).",
        MqttProtocolError.InvalidQualityOfService => "The MQTT broker sent QoS 3 (§3.3.1.2).",
        MqttProtocolError.InvalidUtf8String => "The MQTT broker sent a string that is not well-formed UTF-8 or contains U+0000 (§1.5.3).",
        MqttProtocolError.InvalidTopicName => "The MQTT broker sent an empty topic name or one with a wildcard (§4.7).",
        MqttProtocolError.InvalidTopicFilter => "The MQTT broker sent an invalid topic filter (§4.7.1).",
        MqttProtocolError.InvalidPacketIdentifier => "The MQTT broker sent packet identifier 0 where a non-zero one is required (§2.3.1).",
        MqttProtocolError.MalformedProperty => "The MQTT broker sent a malformed or unknown property (MQTT 5.0 §2.2.2).",
        MqttProtocolError.DuplicateProperty => "The MQTT broker sent a property twice that may appear once (MQTT 5.0 §2.2.2.2).",
        MqttProtocolError.PropertyNotAllowed => "The MQTT broker sent a property the packet type must not carry (MQTT 5.0 §2.2.2.2, table 2-4).",
        MqttProtocolError.InvalidReasonCode => "The MQTT broker sent a reason code the packet type must not carry (MQTT 5.0 §2.4).",
        _ => $"The MQTT broker sent a malformed packet ({error}).",
    };
}
