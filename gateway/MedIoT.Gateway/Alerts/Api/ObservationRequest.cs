using MedIoT.Alerts.News2;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// The body of <c>POST /beds/{ward}/{bed}/observations</c> (docs/alerts.md §7): at least one of the NEWS2 parameters that
/// come from people, not devices. Absent members are null. Who records them is the signed-in identity.
/// </summary>
/// <param name="Consciousness">The ACVPU level.</param>
/// <param name="OnOxygen">True for supplemental oxygen, false for air.</param>
/// <param name="Spo2Scale">The NEWS2 SpO2 scale the clinician set.</param>
/// <param name="ObservedAt">When it was observed (RFC 3339 with its offset); null means now.</param>
internal sealed record ObservationRequest(
    Consciousness? Consciousness, bool? OnOxygen, OxygenSaturationScale? Spo2Scale, DateTimeOffset? ObservedAt)
{
    /// <summary>True when at least one observation is given.</summary>
    public bool HasObservation => Consciousness is not null || OnOxygen is not null || Spo2Scale is not null;
}
