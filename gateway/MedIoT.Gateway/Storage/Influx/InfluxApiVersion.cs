namespace MedIoT.Gateway.Storage.Influx;

/// <summary>The InfluxDB write API the gateway uses (<see cref="InfluxOptions.ApiVersion"/>).</summary>
public enum InfluxApiVersion
{
    /// <summary><c>POST /write</c>: InfluxDB 1.x and the compatibility API of 2.x/3.x.</summary>
    V1 = 1,

    /// <summary><c>POST /api/v2/write</c>: InfluxDB 2.x/3.x, VictoriaMetrics.</summary>
    V2 = 2,
}
