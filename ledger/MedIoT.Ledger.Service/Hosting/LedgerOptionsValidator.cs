using MedIoT.Cryptography;
using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Service.Hosting;

/// <summary>
/// Checks <see cref="LedgerOptions"/> at start, before any file or database is touched: the data annotations, then the
/// settings that depend on each other or must parse (the origin as a key name, the storage, every witness, the policy).
/// </summary>
/// <param name="settingsFolder">The settings file's folder, against which a relative <c>Alarm:Mqtt:PasswordFile</c> resolves; empty: the working folder.</param>
internal sealed class LedgerOptionsValidator(string settingsFolder = "") : SettingsValidator<LedgerOptions>(LedgerOptions.SectionName)
{
    protected override void Check(LedgerOptions options, SettingProblems problems)
    {
        if (!string.IsNullOrEmpty(options.Origin) && !NoteVerifierKey.IsValidKeyName(options.Origin))
        {
            problems.Add(nameof(options.Origin), options.Origin, "is not a valid key name (no spaces or '+'), e.g. mediot.example/ledger.");
        }

        CheckStorage(options.Storage, problems);
        if (options.Alarm.Mqtt is { } mqtt)
        {
            CheckAlarmCredentials(mqtt, problems);
        }

        CheckWitnesses(options.Witnesses, problems);
        if (options.RequiredCosignatures > options.Witnesses.Count)
        {
            problems.Add(nameof(options.RequiredCosignatures), options.RequiredCosignatures,
                $"is more than the {options.Witnesses.Count} witnesses configured in Ledger:Witnesses.");
        }
    }

    private static void CheckStorage(LedgerStorageOptions storage, SettingProblems problems)
    {
        switch (storage.Provider)
        {
            case LedgerStorageProvider.Postgres when string.IsNullOrWhiteSpace(storage.PostgresConnectionString):
                problems.Add("Storage:PostgresConnectionString", storage.PostgresConnectionString,
                    "is empty but Ledger:Storage:Provider is Postgres; set it, e.g. 'Host=db;Database=ledger;Username=ledger'.");
                break;
            case LedgerStorageProvider.Sqlite when string.IsNullOrWhiteSpace(storage.SqlitePath):
                problems.Add("Storage:SqlitePath", storage.SqlitePath, "is empty but Ledger:Storage:Provider is Sqlite; set the database file, e.g. ledger-data/ledger.db.");
                break;
            case LedgerStorageProvider.Postgres or LedgerStorageProvider.Sqlite:
                break;
            default:
                problems.Add("Storage:Provider", storage.Provider, "must be Sqlite or Postgres.");
                break;
        }
    }

    private void CheckAlarmCredentials(LedgerAlarmMqttOptions mqtt, SettingProblems problems)
    {
        if (mqtt.PasswordFile.Length > 0 && !string.IsNullOrEmpty(mqtt.Password))
        {
            problems.Add("Alarm:Mqtt:Password", mqtt.Password, "is set and so is Ledger:Alarm:Mqtt:PasswordFile; set only one of them, preferably PasswordFile.");
        }

        if ((mqtt.PasswordFile.Length > 0 || !string.IsNullOrEmpty(mqtt.Password)) && string.IsNullOrEmpty(mqtt.Username))
        {
            problems.Add("Alarm:Mqtt:Username", mqtt.Username, "is empty but a password is set; a password needs a user name (MQTT 3.1.1 §3.1.2.9), e.g. mediot-ledger.");
        }

        // Shown as (hidden), as every setting named like a password; the sentence names the file.
        if (mqtt.PasswordFile.Length > 0 && SecretFile.Problem(PasswordFilePath(mqtt)) is { } problem)
        {
            problems.Add("Alarm:Mqtt:PasswordFile", mqtt.PasswordFile, problem);
        }
    }

    /// <summary>The alarm connection's password file as a full path.</summary>
    public string PasswordFilePath(LedgerAlarmMqttOptions mqtt) =>
        Path.GetFullPath(mqtt.PasswordFile, settingsFolder.Length > 0 ? settingsFolder : Environment.CurrentDirectory);

    private static void CheckWitnesses(List<WitnessOptions> witnesses, SettingProblems problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < witnesses.Count; i++)
        {
            var witness = witnesses[i];
            if (!WitnessKey.TryParse(witness.VerifierKey, out var key, out var error))
            {
                problems.Add($"Witnesses:{i}:VerifierKey", witness.VerifierKey, $"does not parse as a cosignature/v1 key ({error}).");
            }
            else if (!names.Add(key.Name))
            {
                problems.Add($"Witnesses:{i}:VerifierKey", witness.VerifierKey, $"names the witness '{key.Name}', which is listed twice; list each witness once.");
            }

            if (!IsHttpUrl(witness.Url))
            {
                problems.Add($"Witnesses:{i}:Url", witness.Url, "must be an absolute http(s) URL, e.g. http://witness.example:8091/.");
            }
        }
    }

    private static bool IsHttpUrl(Uri? url) => url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}
