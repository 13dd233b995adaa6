namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>One sensor wired to the gateway: an entry of <c>Gateway:Attached:Sensors</c> (docs/attached-sensors.md §2).</summary>
public sealed class AttachedSensorOptions
{
    /// <summary>
    /// The sensor's name, 1–64 of A–Z a–z 0–9 . _ -, unique: logs and metrics use it, and a call button's technical alarm
    /// (<c>sensor-fault/&lt;name&gt;</c>; a scale's or thermometer's names its device). Required.
    /// </summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>What the sensor is: <c>BedScale</c>, <c>Thermometer</c> or <c>CallButton</c>. Required.</summary>
    public AttachedSensorKind Kind { get; set; }

    /// <summary><c>Hardware</c> (the default) or <c>Simulated</c> (the demo and tests).</summary>
    public AttachedBus Bus { get; set; } = AttachedBus.Hardware;

    /// <summary>
    /// For a bed scale or a thermometer: the registered device whose readings the gateway attests (registered with
    /// <c>"trust": "gateway-attested"</c>; its ward and bed are the registry's). Not used by a call button.
    /// </summary>
    public string DeviceId { get; set; } = string.Empty;

    /// <summary>For a call button: the ward of its bed. A button sends no readings, so it is not a registered device.</summary>
    public string Ward { get; set; } = string.Empty;

    /// <summary>For a call button: its bed.</summary>
    public string Bed { get; set; } = string.Empty;

    /// <summary>Hardware GPIO: the chip, <c>/dev/gpiochip&lt;N&gt;</c>, 0–15. Default 0 (a Raspberry Pi's header pins up to the Pi 4; 4 on a Pi 5 with older kernels).</summary>
    public int GpioChip { get; set; }

    /// <summary>For a bed scale: the GPIO line (BCM number) wired to the HX711's DOUT, 0–63. Required.</summary>
    public int DataPin { get; set; } = -1;

    /// <summary>For a bed scale: the GPIO line (BCM number) wired to the HX711's PD_SCK, 0–63. Required.</summary>
    public int ClockPin { get; set; } = -1;

    /// <summary>
    /// For a bed scale: the calibration file that <c>mediot-gateway calibrate-scale</c> writes (docs/attached-sensors.md §3).
    /// A relative path is resolved against the settings file's folder. Required; a scale without one raises its technical
    /// alarm and stores nothing.
    /// </summary>
    public string CalibrationPath { get; set; } = string.Empty;

    /// <summary>For a thermometer: the I2C bus, <c>/dev/i2c-&lt;N&gt;</c>, 0–15. Default 1 (a Raspberry Pi's header pins 3 and 5).</summary>
    public int I2cBus { get; set; } = 1;

    /// <summary>For a thermometer: its 7-bit I2C address, 0x08–0x77. Default 0x5A (90), the MLX90614's factory address.</summary>
    public int Address { get; set; } = 0x5A;

    /// <summary>For a call button: the GPIO line (BCM number) of the patient's call button, 0–63. Required.</summary>
    public int Pin { get; set; } = -1;

    /// <summary>
    /// For a call button: the GPIO line of the staff's answer button at the bed, 0–63, or -1 when there is none (the call
    /// is then answered at the station). Default -1.
    /// </summary>
    public int AnswerPin { get; set; } = -1;

    /// <summary>For a call button: how long a button must stay pressed to count, in milliseconds, 5–1000. Default 50 (contact bounce lasts a few milliseconds).</summary>
    public int DebounceMilliseconds { get; set; } = 50;

    /// <summary>
    /// Milliseconds between two samples, 100–600000; 0 takes the kind's default: 200 for a bed scale (5 samples a second,
    /// so bed exit is judged within its 2-second budget), 5000 for a thermometer. Not used by a call button.
    /// </summary>
    public int SampleIntervalMilliseconds { get; set; }

    /// <summary>
    /// For the simulated bus: the bedside state file (<c>mediot-sim bedside</c> writes it) whose load, temperatures and
    /// button presses move the simulated chips. Sensors naming the same file share one simulated bedside. A relative path
    /// is resolved against the settings file's folder. Required with <c>"Bus": "Simulated"</c>.
    /// </summary>
    public string SimulationStatePath { get; set; } = string.Empty;

    /// <summary>The sample interval in force.</summary>
    internal TimeSpan SampleInterval => TimeSpan.FromMilliseconds(SampleIntervalMilliseconds > 0
        ? SampleIntervalMilliseconds
        : Kind == AttachedSensorKind.BedScale ? 200 : 5000);
}
