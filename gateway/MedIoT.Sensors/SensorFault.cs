namespace MedIoT.Sensors;

/// <summary>Why a sensor gave no reading this time; <see cref="None"/> when it did.</summary>
public enum SensorFault
{
    /// <summary>The reading is good.</summary>
    None = 0,

    /// <summary>The chip did not answer: no I2C acknowledge, or an HX711 that never signalled a conversion ready.</summary>
    NotAnswering,

    /// <summary>The bus or pin driver reported an error other than a missing answer.</summary>
    BusError,

    /// <summary>The SMBus packet error check (CRC-8) of the answer did not match.</summary>
    PacketErrorCheck,

    /// <summary>The chip flagged its own reading as an error (the MLX90614's error flag, bit 15).</summary>
    ErrorFlag,

    /// <summary>The value is outside what the sensor can plausibly measure on a patient.</summary>
    Implausible,
}
