using System.Security.Cryptography.X509Certificates;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Mqtt;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using Microsoft.Extensions.Logging;

namespace MedIoT.FirmwareSim.Devices;

/// <summary>
/// One simulated bedside device: its own MQTT connection (client id and user name = device id, clean session; its
/// password or its TLS certificate as <see cref="BrokerEndpoint"/> says), its key, its persisted sequence counter, and a
/// physiological model. Publishes signed frames at QoS 1.
/// </summary>
public sealed class SimulatedDevice : IAsyncDisposable
{
    private readonly Ed25519PrivateKey _key;
    private readonly MqttClient _client;
    private readonly SequenceCounter _sequence;
    private readonly PulseOximeterModel _model;
    private readonly TimeProvider _timeProvider;
    private readonly X509Certificate2? _certificate;
    private long _framesPublished;

    private SimulatedDevice(ProvisionedDevice device, Ed25519PrivateKey key, MqttClient client, X509Certificate2? certificate, TimeProvider timeProvider)
    {
        Device = device;
        _key = key;
        _client = client;
        _certificate = certificate;
        _timeProvider = timeProvider;
        _sequence = new SequenceCounter(Path.ChangeExtension(device.PrivateKeyPath, ".seq"));
        _model = new PulseOximeterModel(StableSeed(device.DeviceId));
        Topic = DeviceTopic.ForFrames(device.DeviceId);
    }

    /// <summary>The device as provisioned.</summary>
    public ProvisionedDevice Device { get; }

    /// <summary>The topic the device publishes to.</summary>
    public string Topic { get; }

    /// <summary>Frames published and acknowledged by the broker.</summary>
    public long FramesPublished => Interlocked.Read(ref _framesPublished);

    /// <summary>Loads the device's key and password and connects it to the broker at <paramref name="host"/>:<paramref name="port"/> over plain TCP.</summary>
    public static Task<SimulatedDevice> ConnectAsync(
        ProvisionedDevice device, string host, int port, TimeProvider timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken) =>
        ConnectAsync(device, new BrokerEndpoint(host, port), timeProvider, loggerFactory, cancellationToken);

    /// <summary>
    /// Loads the device's key and connects it to the broker at <paramref name="endpoint"/>: with its certificate over mutual
    /// TLS when the endpoint uses TLS and the device has one (<see cref="ProvisionedDevice.TlsCertificatePath"/>), else with
    /// its user name and password (<see cref="ProvisionedDevice.PasswordPath"/>).
    /// </summary>
    /// <exception cref="MqttConnectException">The broker refused the device (unknown account, wrong password).</exception>
    /// <exception cref="FileNotFoundException">The device's key, password or certificate file is missing.</exception>
    public static async Task<SimulatedDevice> ConnectAsync(
        ProvisionedDevice device, BrokerEndpoint endpoint, TimeProvider timeProvider, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(endpoint);
        var options = new MqttClientOptions
        {
            Host = endpoint.Host,
            Port = endpoint.Port,
            ClientId = device.DeviceId,
            Username = device.DeviceId,
            CleanSession = true,
            KeepAlive = TimeSpan.FromSeconds(30),
            TimeProvider = timeProvider,
        };
        X509Certificate2? certificate = null;
        Ed25519PrivateKey? key = null;
        MqttClient? client = null;
        try
        {
            if (endpoint.UsesTls)
            {
                options.Tls = new MqttTlsOptions { TargetHost = endpoint.ServerName, TrustedCertificateAuthorities = endpoint.TrustedCertificateAuthorities };
                if (File.Exists(device.TlsCertificatePath))
                {
                    // mosquitto takes the user name from the certificate (use_identity_as_username) and ignores a password.
                    certificate = LoadCertificate(device);
                    options.Tls.ClientCertificate = certificate;
                }
            }

            options.Password = certificate is null ? SecretFile.Read(device.PasswordPath) : null;
            key = PrivateKeyFile.Read(device.PrivateKeyPath);
            client = new MqttClient(options, loggerFactory?.CreateLogger<MqttClient>());
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new SimulatedDevice(device, key, client, certificate, timeProvider);
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            key?.Dispose();
            certificate?.Dispose();
            throw;
        }
    }

    /// <summary>Measures, signs and publishes the next frame; returns it.</summary>
    public async Task<DeviceFrame> PublishNextAsync(CancellationToken cancellationToken)
    {
        var frame = NextFrame();
        await PublishRawAsync(JwsFrameEncoder.Encode(frame, _key), cancellationToken).ConfigureAwait(false);
        return frame;
    }

    /// <summary>
    /// Signs and publishes a frame of the given readings (a scenario's values) measured at <paramref name="measuredAt"/>,
    /// with the device's <paramref name="status"/> when given (docs/device-protocol.md §3; readings may then be empty).
    /// </summary>
    /// <exception cref="ArgumentException">A code has no known unit, or no readings without a status (docs/device-protocol.md).</exception>
    public async Task PublishReadingsAsync(DateTimeOffset measuredAt, IReadOnlyList<(int Code, double Value)> readings, DeviceStatus? status,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var nanoseconds = (measuredAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var observations = new Observation[readings.Count];
        for (var index = 0; index < readings.Count; index++)
        {
            var (code, value) = readings[index];
            if (!MdcCodes.TryGetUnit(code, out var unit))
            {
                throw new ArgumentException($"MDC code {code} has no known unit.", nameof(readings));
            }

            observations[index] = new Observation(code, value, unit, nanoseconds);
        }

        var frame = new DeviceFrame(Device.DeviceId, _sequence.Next(), observations, status);
        await PublishRawAsync(JwsFrameEncoder.Encode(frame, _key), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next frame, signed by this device's key, without publishing it (for fault injection).</summary>
    public byte[] SignNext(out DeviceFrame frame)
    {
        frame = NextFrame();
        return JwsFrameEncoder.Encode(frame, _key);
    }

    /// <summary>Publishes arbitrary bytes on this device's topic at QoS 1 (for fault injection).</summary>
    public async Task PublishRawAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, string? topic = null)
    {
        await _client.PublishAsync(
            new MqttApplicationMessage(topic ?? Topic, payload, MqttQualityOfService.AtLeastOnce, retain: false), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _framesPublished);
    }

    /// <summary>Publishes a frame every <paramref name="interval"/> until <paramref name="frameCount"/> frames (null: until cancelled).</summary>
    public async Task RunAsync(TimeSpan interval, long? frameCount, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _timeProvider);
        for (long sent = 0; frameCount is null || sent < frameCount; sent++)
        {
            await PublishNextAsync(cancellationToken).ConfigureAwait(false);
            if (frameCount is null || sent + 1 < frameCount)
            {
                await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Disposing the client disconnects gracefully and never throws for network problems.
        await _client.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
        _certificate?.Dispose();
    }

    private static X509Certificate2 LoadCertificate(ProvisionedDevice device)
    {
        using var pem = X509Certificate2.CreateFromPemFile(device.TlsCertificatePath, device.TlsKeyPath);

        // Through PKCS#12 so SslStream can use the key on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private DeviceFrame NextFrame()
    {
        var now = _timeProvider.GetUtcNow();
        var nanoseconds = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return new DeviceFrame(Device.DeviceId, _sequence.Next(), _model.Next(nanoseconds));
    }

    private static int StableSeed(string deviceId)
    {
        // string.GetHashCode is randomised per process; the simulation should repeat for a device id.
        var hash = 17;
        foreach (var character in deviceId)
        {
            hash = unchecked((hash * 31) + character);
        }

        return hash;
    }
}
