namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>Whether a sensor is on the gateway's real pins or on the simulated chips of the demo and the tests.</summary>
public enum AttachedBus
{
    /// <summary>The board's own buses: GPIO through libgpiod (<c>/dev/gpiochipN</c>), I2C through <c>/dev/i2c-N</c>.</summary>
    Hardware = 1,

    /// <summary>
    /// Register-level simulated chips (MedIoT.Sensors.Simulation) moved by the bedside state file the simulator writes
    /// (<see cref="AttachedSensorOptions.SimulationStatePath"/>). For the demo and tests only: the gateway logs a warning
    /// for every simulated sensor at start.
    /// </summary>
    Simulated = 2,
}
