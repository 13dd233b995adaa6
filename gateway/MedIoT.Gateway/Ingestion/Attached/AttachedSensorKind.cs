namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>What a sensor wired to the gateway is (docs/attached-sensors.md).</summary>
public enum AttachedSensorKind
{
    /// <summary>Load cells under the bed through an HX711 amplifier on two GPIO pins: the patient's weight, and bed exit.</summary>
    BedScale = 1,

    /// <summary>An MLX90614 infrared thermometer on an I2C bus: body temperature.</summary>
    Thermometer = 2,

    /// <summary>The patient's call button on a GPIO input, and optionally the staff's answer button beside it.</summary>
    CallButton = 3,
}
