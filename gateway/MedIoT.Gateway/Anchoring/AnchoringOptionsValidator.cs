using MedIoT.Hosting;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Gateway.Anchoring;

/// <summary>Checks <c>Gateway:Anchoring</c> at start: the ledger's address and key, and the retry delays.</summary>
internal sealed class AnchoringOptionsValidator() : SettingsValidator<AnchoringOptions>(AnchoringOptions.SectionName)
{
    protected override void Check(AnchoringOptions options, SettingProblems problems)
    {
        if (options.Enabled && (!Uri.TryCreate(options.LedgerUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add(nameof(AnchoringOptions.LedgerUrl), options.LedgerUrl, "must be empty (anchoring disabled) or an absolute http:// or https:// address.");
        }

        if (!string.IsNullOrWhiteSpace(options.LedgerKey) && !NoteVerifierKey.TryParse(options.LedgerKey.Trim(), out _, out var keyError))
        {
            problems.Add(nameof(AnchoringOptions.LedgerKey), options.LedgerKey, $"must be empty or the ledger's note verifier key ({keyError}).");
        }

        if (options.RetryMaximumDelayMilliseconds < options.RetryInitialDelayMilliseconds)
        {
            problems.Add(nameof(AnchoringOptions.RetryMaximumDelayMilliseconds), options.RetryMaximumDelayMilliseconds,
                "must not be less than RetryInitialDelayMilliseconds.");
        }
    }
}
