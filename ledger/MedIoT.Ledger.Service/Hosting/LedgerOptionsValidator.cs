using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Service.Hosting;

/// <summary>
/// Checks <see cref="LedgerOptions"/> at start, before any file or database is touched: the data annotations, then the
/// settings that depend on each other or must parse (the origin as a key name, the storage, every witness, the policy).
/// </summary>
internal sealed class LedgerOptionsValidator() : SettingsValidator<LedgerOptions>(LedgerOptions.SectionName)
{
    protected override void Check(LedgerOptions options, SettingProblems problems)
    {
        if (!string.IsNullOrEmpty(options.Origin) && !NoteVerifierKey.IsValidKeyName(options.Origin))
        {
            problems.Add(nameof(options.Origin), options.Origin, "is not a valid key name (no spaces or '+'), e.g. mediot.example/ledger.");
        }

        CheckStorage(options.Storage, problems);
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
