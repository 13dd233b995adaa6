using System.Globalization;
using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;

namespace MedIoT.FirmwareSim.Provisioning;

/// <summary>
/// Provisions a simulated ward: one pulse oximeter per bed, each with a new Ed25519 key pair and broker password. Private
/// keys go to <c>keys/&lt;deviceId&gt;.jwk</c> and passwords to <c>keys/&lt;deviceId&gt;.password</c> (mode 0600 in a 0700
/// folder); public keys go to the gateway's device registry file <c>devices.json</c> (the format <c>DeviceRegistry</c>
/// loads); the broker's password file <c>mosquitto.passwd</c> holds every device's account and the service accounts asked
/// for (<see cref="BrokerAccounts"/>).
/// </summary>
public static class WardProvisioner
{
    /// <summary>The kind written for simulated pulse oximeters.</summary>
    public const string PulseOximeterKind = "pulse-oximeter";

    /// <summary>The kind written for a bed scale wired to the gateway (gateway-attested, docs/attached-sensors.md).</summary>
    public const string BedScaleKind = "bed-scale";

    /// <summary>The kind written for an infrared thermometer wired to the gateway (gateway-attested).</summary>
    public const string ThermometerKind = "ir-thermometer";

    /// <summary>The registry file name inside the output folder.</summary>
    public const string RegistryFileName = "devices.json";

    /// <summary>The key folder name inside the output folder.</summary>
    public const string KeysFolderName = "keys";

    /// <summary>
    /// Creates keys, broker passwords and the registry for <paramref name="beds"/> beds of <paramref name="ward"/> in
    /// <paramref name="outputFolder"/>, plus a pulse oximeter for each of <paramref name="extraDevices"/> (for example the
    /// devices a scenario plays), and broker accounts for <paramref name="serviceAccounts"/> (for example
    /// <see cref="BrokerAccounts.Gateway"/>). Each bed of <paramref name="attachedBeds"/> also gets a bed scale and an
    /// infrared thermometer wired to the gateway (<see cref="AttachedDeviceIds"/>): registered as gateway-attested, with no
    /// key and no broker account, since the gateway reads and attests them itself.
    /// </summary>
    /// <exception cref="IOException">The folder already holds a registry or a password file (provisioning never overwrites keys or credentials).</exception>
    /// <exception cref="ArgumentException">A device id or account appears twice, or a service account name is invalid.</exception>
    public static IReadOnlyList<ProvisionedDevice> Provision(
        string outputFolder, string ward, int beds, IReadOnlyList<(string DeviceId, string Ward, string Bed)>? extraDevices = null,
        IReadOnlyList<string>? serviceAccounts = null, IReadOnlyList<string>? attachedBeds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        ArgumentException.ThrowIfNullOrEmpty(ward);
        ArgumentOutOfRangeException.ThrowIfLessThan(beds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(beds, 999);

        var places = Enumerable.Range(1, beds)
            .Select(bedNumber => bedNumber.ToString("00", CultureInfo.InvariantCulture))
            .Select(bed => (DeviceId: $"ward{ward.ToLowerInvariant()}-bed{bed}-spo2", Ward: ward, Bed: bed))
            .Concat(extraDevices ?? [])
            .ToList();
        var attached = (attachedBeds ?? []).SelectMany(bed => AttachedDeviceIds(ward, bed).Select(device => (device.DeviceId, device.Kind, Bed: bed))).ToList();
        if (places.Select(place => place.DeviceId).Concat(attached.Select(device => device.DeviceId))
            .GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Device '{twice.Key}' would be provisioned twice.", nameof(extraDevices));
        }

        var registryPath = Path.Combine(outputFolder, RegistryFileName);
        BrokerAccounts.ThrowIfInvalid(places.Select(place => place.DeviceId), serviceAccounts ?? []);
        if (new[] { registryPath, Path.Combine(outputFolder, BrokerAccounts.PasswordFileName) }.FirstOrDefault(File.Exists) is { } existing)
        {
            throw new IOException($"'{existing}' already exists; provisioning never overwrites devices, keys or credentials. Choose an empty folder.");
        }

        var keysFolder = Path.Combine(outputFolder, KeysFolderName);
        Directory.CreateDirectory(outputFolder);
        var keysInfo = Directory.CreateDirectory(keysFolder);
        if (!OperatingSystem.IsWindows())
        {
            keysInfo.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        var devices = new List<ProvisionedDevice>();
        var entries = new List<string>();
        foreach (var (deviceId, deviceWard, bed) in places)
        {
            var keyPath = Path.Combine(keysFolder, deviceId + ".jwk");
            using var key = Ed25519PrivateKey.Generate();
            PrivateKeyFile.Write(keyPath, key);
            devices.Add(new ProvisionedDevice(deviceId, PulseOximeterKind, deviceWard, bed, keyPath));
            entries.Add(RegistryEntry(deviceId, deviceWard, bed, OkpJsonWebKey.FormatPublic(key.PublicKey)));
        }

        entries.AddRange(attached.Select(device => AttestedEntry(device.DeviceId, device.Kind, ward, device.Bed)));
        BrokerAccounts.Write(outputFolder, devices, serviceAccounts ?? []);
        var registry = new StringBuilder("{\n  \"devices\": [\n");
        registry.AppendJoin(",\n", entries).Append("\n  ]\n}\n");
        File.WriteAllText(registryPath, registry.ToString());
        return devices;
    }

    /// <summary>The bed scale's and the thermometer's device ids and kinds for a bed whose sensors are wired to the gateway.</summary>
    public static IReadOnlyList<(string DeviceId, string Kind)> AttachedDeviceIds(string ward, string bed) =>
    [
        ($"ward{ward.ToLowerInvariant()}-bed{bed}-scale", BedScaleKind),
        ($"ward{ward.ToLowerInvariant()}-bed{bed}-thermometer", ThermometerKind),
    ];

    /// <summary>
    /// Reads the signing devices of a registry and pairs them with key files in <paramref name="keysFolder"/>; gateway-attested
    /// entries (no key: the gateway reads them itself) are left out.
    /// </summary>
    /// <exception cref="InvalidDataException">The registry is malformed.</exception>
    public static IReadOnlyList<ProvisionedDevice> Load(string registryPath, string keysFolder)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(registryPath));
        var devices = new List<ProvisionedDevice>();
        foreach (var entry in document.RootElement.GetProperty("devices").EnumerateArray())
        {
            string Read(string name) => entry.GetProperty(name).GetString()
                ?? throw new InvalidDataException($"'{registryPath}': an entry has no \"{name}\".");
            if (entry.TryGetProperty("trust", out var trust) && trust.ValueEquals("gateway-attested"))
            {
                continue;
            }

            var deviceId = Read("deviceId");
            devices.Add(new ProvisionedDevice(deviceId, Read("kind"), Read("ward"), Read("bed"), Path.Combine(keysFolder, deviceId + ".jwk")));
        }

        return devices;
    }

    private static string RegistryEntry(string deviceId, string ward, string bed, string publicJwk)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("deviceId", deviceId);
            writer.WriteString("kind", PulseOximeterKind);
            writer.WriteString("ward", ward);
            writer.WriteString("bed", bed);
            writer.WritePropertyName("publicKey");
            writer.WriteRawValue(publicJwk);
            writer.WriteBoolean("revoked", false);
            writer.WriteEndObject();
        }

        return "    " + Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string AttestedEntry(string deviceId, string kind, string ward, string bed)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("deviceId", deviceId);
            writer.WriteString("kind", kind);
            writer.WriteString("ward", ward);
            writer.WriteString("bed", bed);
            writer.WriteString("trust", "gateway-attested");
            writer.WriteBoolean("revoked", false);
            writer.WriteEndObject();
        }

        return "    " + Encoding.UTF8.GetString(stream.ToArray());
    }
}
