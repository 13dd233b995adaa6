using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Gateway.Devices;

/// <summary>
/// The devices this gateway accepts frames from, loaded from the registry file: JSON, specified in
/// docs/device-registry.md and read strictly by <see cref="DeviceRegistryReader"/>. Per device: its id, kind, ward and
/// bed, its public key or <c>"trust": "gateway-attested"</c> (a serial device the gateway vouches for; docs/serial.md),
/// and whether it is revoked. The file is written by staff or by <c>mediot-sim provision</c>; a mistake in it stops
/// the gateway at start with a message naming the file, the entry and the member.
/// </summary>
public sealed class DeviceRegistry
{
    private readonly FrozenDictionary<string, RegisteredDevice> _devices;

    /// <summary>Creates a registry from already validated entries.</summary>
    /// <exception cref="ArgumentException">Two entries share a device id.</exception>
    public DeviceRegistry(IEnumerable<RegisteredDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var byId = new Dictionary<string, RegisteredDevice>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            if (!byId.TryAdd(device.DeviceId, device))
            {
                throw new ArgumentException($"Device id '{device.DeviceId}' is registered twice.", nameof(devices));
            }
        }

        _devices = byId.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>How many devices are registered (revoked ones included).</summary>
    public int Count => _devices.Count;

    /// <summary>Every registered device (revoked ones included), in no particular order.</summary>
    public IEnumerable<RegisteredDevice> Devices => _devices.Values;

    /// <summary>Finds a device by id.</summary>
    public bool TryGet(string deviceId, [NotNullWhen(true)] out RegisteredDevice? device) =>
        _devices.TryGetValue(deviceId, out device);

    /// <summary>
    /// Loads and validates a registry file (docs/device-registry.md). The gateway calls it once, at start: the registry is
    /// never reloaded while it runs.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid registry; the message names the file, the entry and the member.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static DeviceRegistry Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The device registry '{path}' does not exist. Set Gateway:DeviceRegistryPath, or create it with 'mediot-sim provision'.", path);
        }

        if (new FileInfo(path).Length > DeviceRegistryReader.MaxFileBytes)
        {
            throw new InvalidDataException($"Device registry '{path}': the file is larger than {DeviceRegistryReader.MaxFileBytes} bytes.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses registry JSON; <paramref name="source"/> names the file in the error message.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a valid registry; the message names the entry and the member.</exception>
    public static DeviceRegistry Parse(ReadOnlySpan<byte> utf8Json, string source) =>
        TryParse(utf8Json, out var registry, out var error) ? registry : throw new InvalidDataException($"Device registry '{source}': {error}.");

    /// <summary>
    /// Parses untrusted registry JSON strictly (docs/device-registry.md): unknown and repeated members, a device id
    /// registered twice and every value that breaks its rule are refused. Never throws; <paramref name="error"/> names the
    /// entry (counted from 0) and the member, and never repeats a key.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out DeviceRegistry? registry, [NotNullWhen(false)] out string? error)
    {
        registry = null;
        if (!DeviceRegistryReader.TryRead(utf8Json, out var devices, out error))
        {
            return false;
        }

        // The reader has refused a device id given twice, so indexing cannot fail.
        registry = new DeviceRegistry(devices);
        return true;
    }
}
