namespace MedIoT.Sensors.Thermometers;

/// <summary>The range of object temperatures, in °C, that an infrared thermometer's reading may plausibly take; a
/// reading outside it is <see cref="SensorFault.Implausible"/>, never a value.</summary>
/// <param name="MinimumCelsius">The lowest plausible reading, inclusive.</param>
/// <param name="MaximumCelsius">The highest plausible reading, inclusive.</param>
public sealed record ThermometerLimits(double MinimumCelsius, double MaximumCelsius)
{
    /// <summary>
    /// 25 °C to 45 °C for a thermometer aimed at a patient's skin. Below 25 °C it is almost certainly seeing the bed or the
    /// room (a patient that cold would be in profound hypothermia, which a core probe, not an infrared spot reading,
    /// monitors); above 45 °C it is seeing something other than a living patient (a heater, a lamp).
    /// </summary>
    public static ThermometerLimits Body { get; } = new(25.0, 45.0);

    /// <summary>Whether <paramref name="celsius"/> is a finite value within the limits.</summary>
    public bool Contains(double celsius) => double.IsFinite(celsius) && celsius >= MinimumCelsius && celsius <= MaximumCelsius;
}
