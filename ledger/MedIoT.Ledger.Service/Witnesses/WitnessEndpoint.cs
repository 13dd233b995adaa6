using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Service.Witnesses;

/// <summary>A configured witness: its cosignature/v1 key and where its add-checkpoint endpoint is.</summary>
/// <param name="Key">The witness's verifier key; its name is the witness's name.</param>
/// <param name="AddCheckpointUrl">The full URL of its add-checkpoint endpoint.</param>
internal sealed record WitnessEndpoint(WitnessKey Key, Uri AddCheckpointUrl)
{
    public string Name => Key.Name;
}
