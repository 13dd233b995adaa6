using System.Globalization;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Internal;

namespace MedIoT.Mqtt;

/// <summary>Settings of one <see cref="MqttClient"/>. Checked by <see cref="Validate"/> when the client is created.</summary>
public sealed class MqttClientOptions
{
    /// <summary>The broker's host name or IP address. Default "127.0.0.1".</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker's TCP port, 1–65535. Default 1883 (the IANA port for MQTT without TLS, §4.2; 8883 with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// The client identifier (§3.1.3.1), required for MQTT 3.1.1. Brokers must accept 1–23 characters from
    /// [0-9a-zA-Z] and may accept more; this client allows 1–65535 UTF-8 bytes without U+0000. With MQTT 5.0 it
    /// may be empty: the broker assigns one (§3.2.2.3.7, <see cref="MqttClient.ClientId"/>), reused on reconnects.
    /// </summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>
    /// Whether the broker discards any previous session and forgets this one at disconnect (3.1.1 Clean Session,
    /// §3.1.2.4). With MQTT 5.0 this is Clean Start (5.0 §3.1.2.4): it only discards a previous session; how long the
    /// session outlives a connection is <see cref="SessionExpiryInterval"/>. Default <see langword="true"/>. Set
    /// <see langword="false"/> to have unacknowledged QoS 1 and 2 messages redelivered after a reconnect.
    /// </summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>
    /// The keep-alive period (§3.1.2.10), whole seconds from 0 to 65535; 0 disables keep-alive. Default 30 s.
    /// A PINGREQ goes out when nothing was sent for this long; no answer within it again closes the connection.
    /// </summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The user name (§3.1.3.4), or <see langword="null"/> for none. At most 65535 UTF-8 bytes.</summary>
    public string? Username { get; set; }

    /// <summary>The password (§3.1.3.5), or <see langword="null"/> for none; requires <see cref="Username"/> (§3.1.2.9).</summary>
    public string? Password { get; set; }

    /// <summary>TLS settings; <see langword="null"/> (default) for plain TCP. Use TLS whenever the broker is not on this machine: user names, passwords and vital signs cross the network.</summary>
    public MqttTlsOptions? Tls { get; set; }

    /// <summary>
    /// The protocol version of every connection of this client. Default <see cref="MqttProtocolVersion.V311"/>, which
    /// every broker speaks; <see cref="MqttProtocolVersion.V500"/> adds reason codes, user properties, session expiry,
    /// receive maximum and maximum packet size (OASIS MQTT Version 5.0).
    /// </summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    /// <summary>
    /// MQTT 5.0 Session Expiry Interval (5.0 §3.1.2.11.2): how long the broker keeps the session (subscriptions,
    /// queued QoS 1 and 2 messages) after the connection ends. Whole seconds from 0 (the session ends with the
    /// connection) to 4,294,967,295 s (never expires). Default 0. A persistent session needs
    /// <see cref="CleanSession"/> off and this above zero; MQTT 3.1.1 requires 0 here (there the session lives
    /// until a clean-session connection).
    /// </summary>
    public TimeSpan SessionExpiryInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// MQTT 5.0 Receive Maximum (5.0 §3.1.2.11.3): how many QoS 1 and 2 messages the broker may send before we
    /// acknowledge them, 1–65535. A message's slot is free again as its PUBACK or PUBCOMP is written (§4.9), so a
    /// broker whose window equals it may keep it exactly full. A broker sending more breaks §3.3.4 (mosquitto before
    /// 2.0.13 does under a backlog): the excess is accepted, counted (meter <c>mediot.mqtt.receive_maximum_exceeded</c>)
    /// and logged once per connection (event 22), never refused, since the broker would only send it again;
    /// <see cref="ReceiveBufferCapacity"/> bounds what the client holds.
    /// Default 65535 (not sent: the protocol's default). Ignored for MQTT 3.1.1.
    /// </summary>
    public int ReceiveMaximum { get; set; } = ushort.MaxValue;

    /// <summary>How long the TCP connect plus the CONNECT/CONNACK exchange may take, above zero. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest packet accepted from the broker, fixed header included, in bytes: 2 to 268435460.
    /// Default 262144 (mosquitto's max_packet_size in configs/mosquitto). A larger packet closes the connection.
    /// MQTT 5.0 announces it to the broker (Maximum Packet Size, 5.0 §3.1.2.11.4), which then drops larger
    /// messages for this client instead of sending them.
    /// </summary>
    public int MaximumIncomingPacketSize { get; set; } = 262_144;

    /// <summary>
    /// Whether a received QoS 1 message is acknowledged (PUBACK, §3.4) as soon as it is queued in
    /// <see cref="MqttClient.Messages"/>. Default <see langword="true"/>. Set <see langword="false"/> to
    /// acknowledge with <see cref="MqttReceivedMessage.AcknowledgeAsync"/> after the message is stored.
    /// </summary>
    public bool AutoAcknowledge { get; set; } = true;

    /// <summary>How many received messages <see cref="MqttClient.Messages"/> holds before reading from the broker pauses, 1 or more. Default 1024.</summary>
    public int ReceiveBufferCapacity { get; set; } = 1024;

    /// <summary>
    /// How many QoS 1 and QoS 2 publishes may await their PUBACK or PUBCOMP at once (the in-flight window),
    /// 1–65535. Further publishes wait. Default 100. With MQTT 5.0 the broker's Receive Maximum (CONNACK,
    /// 5.0 §3.2.2.3.3) lowers it when smaller.
    /// </summary>
    public int MaximumInFlightPublishes { get; set; } = 100;

    /// <summary>
    /// Whether a lost connection (broker gone, keep-alive timeout, protocol violation) is re-established
    /// automatically. Default <see langword="false"/>: <see cref="MqttClient.Completion"/> then ends with
    /// the connection. When <see langword="true"/> the client retries with jittered exponential backoff (Polly)
    /// (<see cref="ReconnectInitialDelay"/> doubling up to <see cref="ReconnectMaximumDelay"/>), resubscribes
    /// when the broker has no session, resends unacknowledged QoS 1 and 2 publishes (PUBLISH with DUP,
    /// PUBREL for QoS 2 awaiting PUBCOMP, §4.4), and <see cref="MqttClient.Completion"/> ends only with
    /// <see cref="MqttClient.DisconnectAsync"/> or dispose.
    /// </summary>
    public bool AutomaticReconnect { get; set; }

    /// <summary>
    /// The delay before the first reconnect attempt, above zero; each failure doubles it (Polly's exponential backoff).
    /// With <see cref="ReconnectJitter"/> the delays are randomised around that curve so a ward of clients does not
    /// reconnect in lockstep. Default 500 ms.
    /// </summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between reconnect attempts, at least <see cref="ReconnectInitialDelay"/>. Default 30 s.</summary>
    public TimeSpan ReconnectMaximumDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether reconnect delays are randomised (Polly's decorrelated jitter: each delay between 0 and about twice the
    /// exponential curve, capped at <see cref="ReconnectMaximumDelay"/>). Default <see langword="true"/>; off only for
    /// tests that need exact delays.
    /// </summary>
    public bool ReconnectJitter { get; set; } = true;

    /// <summary>
    /// The will message (§3.1.2.5): the broker publishes it when the connection ends without DISCONNECT
    /// (crash, network loss, keep-alive timeout). <see langword="null"/> (default) for none. Typically a
    /// retained "offline" on a status topic, paired with <see cref="OnlineMessage"/>.
    /// </summary>
    public MqttApplicationMessage? WillMessage { get; set; }

    /// <summary>
    /// A message published after every successful connection, reconnects included, before the client
    /// reports itself connected; typically a retained "online" on the topic of <see cref="WillMessage"/>.
    /// <see langword="null"/> (default) for none.
    /// </summary>
    public MqttApplicationMessage? OnlineMessage { get; set; }

    /// <summary>
    /// The clock for keep-alive, reconnect delays and timeouts: the application's one clock (<see cref="TimeProvider.System"/>
    /// in production, a fake one in tests). Required: the client never picks a clock by itself.
    /// </summary>
    public required TimeProvider TimeProvider { get; set; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it, its value and the fix.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw Invalid(nameof(Host), Host, "Set it to the broker's host name or IP address, e.g. '127.0.0.1'.");
        }

        if (Port is < 1 or > 65535)
        {
            throw Invalid(nameof(Port), Port, "It must be 1–65535; MQTT without TLS uses 1883.");
        }

        var version5 = ProtocolVersion == MqttProtocolVersion.V500;
        if (ProtocolVersion is not (MqttProtocolVersion.V311 or MqttProtocolVersion.V500))
        {
            throw Invalid(nameof(ProtocolVersion), ProtocolVersion, "It must be V311 (MQTT 3.1.1) or V500 (MQTT 5.0).");
        }

        if (ClientId is null || (ClientId.Length == 0 && !version5))
        {
            throw Invalid(nameof(ClientId), ClientId, "It is required: set a stable, unique identifier of 1–23 letters and digits, e.g. 'gateway-ward3' (§3.1.3.1).");
        }

        if (!MqttStrings.TryGetUtf8Length(ClientId, out var clientIdLength) || clientIdLength > MqttStrings.MaximumEncodedLength)
        {
            throw Invalid(nameof(ClientId), ClientId, "It must be well-formed UTF-8 without U+0000 and at most 65535 bytes (§1.5.3); 1–23 letters and digits work with every broker.");
        }

        if (KeepAlive < TimeSpan.Zero || KeepAlive > TimeSpan.FromSeconds(ushort.MaxValue) || KeepAlive.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(nameof(KeepAlive), KeepAlive, "It must be whole seconds from 0 (disabled) to 65535 (§3.1.2.10).");
        }

        if (Username is not null
            && (!MqttStrings.TryGetUtf8Length(Username, out var usernameLength) || usernameLength > MqttStrings.MaximumEncodedLength))
        {
            throw Invalid(nameof(Username), Username, "It must be well-formed UTF-8 without U+0000 and at most 65535 bytes (§3.1.3.4).");
        }

        if (Password is not null)
        {
            if (Username is null && !version5)
            {
                // The value is a secret: never echo it.
                throw new ArgumentException(
                    "MqttClientOptions.Password is set but Username is not; MQTT 3.1.1 forbids a password without a user name (§3.1.2.9). Set Username as well.",
                    nameof(Password));
            }

            if (!MqttStrings.TryGetUtf8Length(Password, out var passwordLength) || passwordLength > MqttStrings.MaximumEncodedLength)
            {
                throw new ArgumentException(
                    "MqttClientOptions.Password must be at most 65535 UTF-8 bytes without U+0000 or lone surrogates (§3.1.3.5).",
                    nameof(Password));
            }
        }

        if (SessionExpiryInterval < TimeSpan.Zero || SessionExpiryInterval.TotalSeconds > uint.MaxValue || SessionExpiryInterval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(nameof(SessionExpiryInterval), SessionExpiryInterval, "It must be whole seconds from 0 to 4294967295 (MQTT 5.0 §3.1.2.11.2).");
        }

        if (!version5 && SessionExpiryInterval != TimeSpan.Zero)
        {
            throw Invalid(nameof(SessionExpiryInterval), SessionExpiryInterval, "MQTT 3.1.1 has no session expiry; set ProtocolVersion to V500 or leave it at 0 (CleanSession = false keeps the session).");
        }

        if (version5 && !CleanSession && SessionExpiryInterval == TimeSpan.Zero)
        {
            throw Invalid(
                nameof(SessionExpiryInterval), SessionExpiryInterval,
                "With MQTT 5.0 and CleanSession = false the session would still end with the connection (5.0 §3.1.2.11.2), so nothing would be redelivered after a reconnect. Set it above zero, e.g. 7 days.");
        }

        if (ReceiveMaximum is < 1 or > ushort.MaxValue)
        {
            throw Invalid(nameof(ReceiveMaximum), ReceiveMaximum, "It must be 1–65535 (MQTT 5.0 §3.1.2.11.3; 0 is a protocol error).");
        }

        if (!version5 && (WillMessage is { HasVersion5Properties: true } || OnlineMessage is { HasVersion5Properties: true }))
        {
            throw Invalid(WillMessage is { HasVersion5Properties: true } ? nameof(WillMessage) : nameof(OnlineMessage), "(message with properties)",
                "User properties, content type and message expiry need MQTT 5.0; set ProtocolVersion to V500.");
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw Invalid(nameof(ConnectTimeout), ConnectTimeout, "It must be above zero and below 24 days; 10 s suits a local broker.");
        }

        if (MaximumIncomingPacketSize is < MqttFixedHeader.MinimumPacketSize or > MqttFixedHeader.MaximumPacketSize)
        {
            throw Invalid(nameof(MaximumIncomingPacketSize), MaximumIncomingPacketSize, $"It must be {MqttFixedHeader.MinimumPacketSize}–{MqttFixedHeader.MaximumPacketSize} bytes.");
        }

        if (ReceiveBufferCapacity < 1)
        {
            throw Invalid(nameof(ReceiveBufferCapacity), ReceiveBufferCapacity, "It must be at least 1 message.");
        }

        if (MaximumInFlightPublishes is < 1 or > ushort.MaxValue)
        {
            throw Invalid(nameof(MaximumInFlightPublishes), MaximumInFlightPublishes, "It must be 1–65535, the number of usable packet identifiers (§2.3.1).");
        }

        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectInitialDelay.TotalMilliseconds > int.MaxValue)
        {
            throw Invalid(nameof(ReconnectInitialDelay), ReconnectInitialDelay, "It must be above zero and below 24 days; 500 ms suits a local broker.");
        }

        if (ReconnectMaximumDelay < ReconnectInitialDelay || ReconnectMaximumDelay.TotalMilliseconds > int.MaxValue)
        {
            throw Invalid(nameof(ReconnectMaximumDelay), ReconnectMaximumDelay, "It must be at least ReconnectInitialDelay and below 24 days; 30 s is usual.");
        }

        if (WillMessage is { Payload.Length: > MqttStrings.MaximumEncodedLength })
        {
            throw Invalid(nameof(WillMessage), WillMessage.Topic, "Its payload must be at most 65535 bytes (§3.1.3.3).");
        }

        if (Tls is { ClientCertificate: { HasPrivateKey: false } certificate })
        {
            throw Invalid(nameof(Tls), certificate.Subject, "Tls.ClientCertificate has no private key; load it together with its key (e.g. X509Certificate2.CreateFromPemFile(certificate, key)).");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("MqttClientOptions.TimeProvider is null. Leave it at TimeProvider.System or set a test clock.", nameof(TimeProvider));
        }
    }

    /// <summary>A copy, so later changes to this instance do not affect a running client.</summary>
    internal MqttClientOptions Clone()
    {
        var clone = (MqttClientOptions)MemberwiseClone();
        clone.Tls = Tls?.Clone();
        return clone;
    }

    private static ArgumentException Invalid(string name, object? value, string fix) =>
        new(string.Create(CultureInfo.InvariantCulture, $"MqttClientOptions.{name} is '{value}'. {fix}"), name);
}
