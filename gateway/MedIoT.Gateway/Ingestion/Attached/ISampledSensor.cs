using MedIoT.Sensors;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>An open sensor that gives one vital-sign value per sample: a bed scale or a thermometer.</summary>
internal interface ISampledSensor : IDisposable
{
    /// <summary>The IEEE 11073 code its readings are stored under.</summary>
    int MdcCode { get; }

    /// <summary>Takes one sample: <see cref="SensorFault.None"/> and the value in the code's unit, or why there is none.</summary>
    SensorFault TryRead(out double value);
}
