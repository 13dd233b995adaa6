using MedIoT.Sensors.Simulation;

namespace MedIoT.FirmwareSim.Bedside;

/// <summary>
/// A bedside's physical state over time, as the simulated chips under and beside the bed feel it (docs/attached-sensors.md
/// §6): a patient settled in bed, a fever rising, a call and its answer at the bed, the patient leaving the bed and coming
/// back. The demo plays it in real time, since bed exit is judged on the gateway's clock.
/// </summary>
internal sealed class BedsideStory
{
    private const double PatientKilograms = 72.4;
    private const double EmptyBedKilograms = 0.6;
    private const double AmbientCelsius = 22.5;
    private const double SettledCelsius = 36.8;
    private const double FeverCelsius = 39.4;

    /// <summary>The demo's story, 150 s long.</summary>
    public static BedsideStory Demo { get; } = new();

    /// <summary>When the story arms bed-exit monitoring for the bed (a nurse's action, through the gateway's API).</summary>
    public TimeSpan ArmBedExitAt { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The fever rises over this stretch, past the 39.05 °C limit of configs/alert-rules.json near its end.</summary>
    public (TimeSpan From, TimeSpan To) Fever { get; } = (TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(75));

    /// <summary>The patient presses the call button.</summary>
    public TimeSpan CallAt { get; } = TimeSpan.FromSeconds(30);

    /// <summary>A nurse answers the call at the bed.</summary>
    public TimeSpan AnswerAt { get; } = TimeSpan.FromSeconds(45);

    /// <summary>The patient is out of bed over this stretch.</summary>
    public (TimeSpan From, TimeSpan To) OutOfBed { get; } = (TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(110));

    /// <summary>The story's length; after it the last state holds.</summary>
    public TimeSpan Length { get; } = TimeSpan.FromSeconds(150);

    /// <summary>A still bedside with <paramref name="loadKilograms"/> on the bed and nothing pressed: a calibration step.</summary>
    public static BedsideState Still(double loadKilograms) =>
        new(loadKilograms, SettledCelsius, AmbientCelsius, CallPresses: 0, AnswerPresses: 0, ScaleAnswering: true, ThermometerAnswering: true);

    /// <summary>The state <paramref name="elapsed"/> into the story.</summary>
    public BedsideState At(TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        // A settled patient still moves a little: a slow wobble of a few hundred grams.
        var load = elapsed >= OutOfBed.From && elapsed < OutOfBed.To ? EmptyBedKilograms : PatientKilograms + (0.15 * Math.Sin(seconds / 3));
        var feverShare = Math.Clamp((elapsed - Fever.From) / (Fever.To - Fever.From), 0, 1);
        var celsius = SettledCelsius + ((FeverCelsius - SettledCelsius) * feverShare);
        return new BedsideState(
            LoadKilograms: Math.Round(load, 2),
            ObjectCelsius: Math.Round(celsius, 2),
            AmbientCelsius: AmbientCelsius,
            CallPresses: elapsed >= CallAt ? 1 : 0,
            AnswerPresses: elapsed >= AnswerAt ? 1 : 0,
            ScaleAnswering: true,
            ThermometerAnswering: true);
    }
}
