namespace MedIoT.Sensors.Simulation;

/// <summary>The pins of one simulated bedside: the HX711's DOUT and PD_SCK, and the two buttons' inputs (all distinct).</summary>
public sealed record SimulatedBedsidePins(int ScaleDataPin, int ScaleClockPin, int CallButtonPin, int AnswerButtonPin)
{
    /// <summary>BCM 5 and 6 for the HX711, BCM 17 for the call button and 27 for the answer button, free GPIOs on a
    /// Raspberry Pi header with no other function.</summary>
    public static SimulatedBedsidePins Default { get; } = new(5, 6, 17, 27);
}
