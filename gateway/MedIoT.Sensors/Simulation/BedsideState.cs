using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// The physical state of one simulated bedside, as the simulator writes it (<see cref="BedsideStateFile"/>) and
/// <see cref="SimulatedBedside.Apply"/> sets it.
/// </summary>
/// <param name="LoadKilograms">The load on the bed's cells, −50..1000 kg.</param>
/// <param name="ObjectCelsius">What the infrared thermometer sees, −40..125 °C (the MLX90614's object range is wider; this
/// is what the simulation accepts).</param>
/// <param name="AmbientCelsius">The thermometer's die temperature, −40..85 °C.</param>
/// <param name="CallPresses">How many times the patient's call button has been pressed since the simulator started; a
/// counter, so reading the same file twice presses nothing twice.</param>
/// <param name="AnswerPresses">The same for the answer button at the bed.</param>
/// <param name="ScaleAnswering">False: the HX711 stops answering (unplugged).</param>
/// <param name="ThermometerAnswering">False: the MLX90614 stops acknowledging.</param>
public sealed record BedsideState(
    double LoadKilograms,
    double ObjectCelsius,
    double AmbientCelsius,
    int CallPresses,
    int AnswerPresses,
    bool ScaleAnswering,
    bool ThermometerAnswering) : IValidated
{
    /// <summary>An empty bed at room temperature, both chips answering, no presses.</summary>
    public static BedsideState Idle { get; } = new(0, 22.0, 22.0, 0, 0, ScaleAnswering: true, ThermometerAnswering: true);

    /// <summary>What is wrong with this state, or <see langword="null"/> when it can be applied.</summary>
    public string? Problem()
    {
        if (!InRange(LoadKilograms, -50, 1000))
        {
            return $"loadKilograms {LoadKilograms} is not within -50..1000 kg.";
        }

        if (!InRange(ObjectCelsius, -40, 125))
        {
            return $"objectCelsius {ObjectCelsius} is not within -40..125 °C.";
        }

        if (!InRange(AmbientCelsius, -40, 85))
        {
            return $"ambientCelsius {AmbientCelsius} is not within -40..85 °C.";
        }

        if (CallPresses < 0 || AnswerPresses < 0)
        {
            return $"callPresses ({CallPresses}) and answerPresses ({AnswerPresses}) are counters and cannot be negative.";
        }

        return null;
    }

    private static bool InRange(double value, double minimum, double maximum) => value >= minimum && value <= maximum;
}
