using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MedIoT.Cryptography;

namespace MedIoT.FirmwareSim.Provisioning;

/// <summary>
/// The ward broker's accounts (configs/mosquitto/mediot.acl): one per device, whose user name is its device id, and the
/// services' (<see cref="Gateway"/>, <see cref="Ledger"/>, <see cref="Station"/>). Each password is a new random secret,
/// written owner-only where its user reads it: a device's beside its private key (<see cref="ProvisionedDevice.PasswordPath"/>),
/// a service's in <c>accounts/&lt;name&gt;.password</c>. The broker gets only their hashes, in <see cref="PasswordFileName"/>.
/// </summary>
public static partial class BrokerAccounts
{
    /// <summary>The mosquitto password file inside the output folder (mosquitto.conf's <c>password_file</c>).</summary>
    public const string PasswordFileName = "mosquitto.passwd";

    /// <summary>The folder of the services' password files inside the output folder.</summary>
    public const string AccountsFolderName = "accounts";

    /// <summary>The gateway's account: reads every device's frames, writes its status and alarm topics.</summary>
    public const string Gateway = "mediot-gateway";

    /// <summary>The ledger service's account: writes its fork alarms on <c>mediot/v1/it/ledger</c>.</summary>
    public const string Ledger = "mediot-ledger";

    /// <summary>The account of nurses' stations and the IT desk: reads alarms and gateway status, writes nothing.</summary>
    public const string Station = "mediot-station";

    /// <summary>The random bytes of one password (256 bits).</summary>
    public const int PasswordBytes = 32;

    /// <summary>A new password: <see cref="PasswordBytes"/> random bytes, base64url without padding (43 characters).</summary>
    public static string CreatePassword() => Base64Url.Encode(RandomNumberGenerator.GetBytes(PasswordBytes));

    /// <summary>Where a service account's password file lives in <paramref name="outputFolder"/>.</summary>
    public static string ServicePasswordPath(string outputFolder, string account) =>
        Path.Combine(outputFolder, AccountsFolderName, account + ".password");

    /// <summary>
    /// Writes a new password for every device (beside its key) and every service account (in <c>accounts/</c>, a 0700
    /// folder), each owner-only, and the broker's password file <c>mosquitto.passwd</c> holding all of them, devices first.
    /// </summary>
    /// <returns>The path of the password file.</returns>
    /// <exception cref="IOException">A password file exists already (provisioning never overwrites credentials).</exception>
    /// <exception cref="ArgumentException">A service account name is not 1–64 of A–Z a–z 0–9 . _ -, or a name is used twice.</exception>
    public static string Write(string outputFolder, IEnumerable<ProvisionedDevice> devices, IEnumerable<string> serviceAccounts)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(serviceAccounts);
        var deviceList = devices.ToList();
        var services = serviceAccounts.ToList();
        ThrowIfInvalid(deviceList.Select(device => device.DeviceId), services);

        var passwordFile = Path.Combine(outputFolder, PasswordFileName);
        if (File.Exists(passwordFile))
        {
            throw new IOException($"'{passwordFile}' already exists; provisioning never overwrites credentials. Choose an empty folder.");
        }

        var accounts = new List<(string Username, string Password)>();
        foreach (var device in deviceList)
        {
            var password = CreatePassword();
            SecretFile.Write(device.PasswordPath, password);
            accounts.Add((device.DeviceId, password));
        }

        if (services.Count > 0)
        {
            var folder = Directory.CreateDirectory(Path.Combine(outputFolder, AccountsFolderName));
            if (!OperatingSystem.IsWindows())
            {
                folder.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }

        foreach (var service in services)
        {
            var password = CreatePassword();
            SecretFile.Write(ServicePasswordPath(outputFolder, service), password);
            accounts.Add((service, password));
        }

        MosquittoPasswordFile.Write(passwordFile, accounts);
        return passwordFile;
    }

    /// <summary>Throws unless every service account name is valid and no account name (device id or service) appears twice.</summary>
    /// <exception cref="ArgumentException">A name is invalid or appears twice.</exception>
    internal static void ThrowIfInvalid(IEnumerable<string> deviceIds, IReadOnlyList<string> serviceAccounts)
    {
        if (serviceAccounts.FirstOrDefault(name => !AccountName().IsMatch(name)) is { } invalid)
        {
            throw new ArgumentException($"'{invalid}' cannot be a service account: use 1–64 of A–Z a–z 0–9 . _ -.", nameof(serviceAccounts));
        }

        var names = deviceIds.Concat(serviceAccounts).ToList();
        foreach (var name in names)
        {
            MosquittoPasswordFile.ThrowIfInvalidUsername(name);
        }

        if (names.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The broker account '{twice.Key}' would be provisioned twice.", nameof(serviceAccounts));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AccountName();
}
