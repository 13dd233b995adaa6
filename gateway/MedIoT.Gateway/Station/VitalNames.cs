using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Station;

/// <summary>The short names and display units a ward uses for the vitals the protocol carries (docs/device-protocol.md).</summary>
internal static class VitalNames
{
    /// <summary>The short name of <paramref name="code"/> (SpO2, HR, ...); the code itself for one not listed.</summary>
    public static string Of(int code) => code switch
    {
        MdcCodes.OxygenSaturation => "SpO2",
        MdcCodes.PulseRateOximeter => "PR",
        MdcCodes.HeartRateEcg => "HR",
        MdcCodes.RespirationRate => "RR",
        MdcCodes.BodyTemperature => "Temp",
        MdcCodes.NoninvasiveSystolic => "NIBP sys",
        MdcCodes.NoninvasiveDiastolic => "NIBP dia",
        MdcCodes.NoninvasiveMean => "NIBP mean",
        MdcCodes.PerfusionIndex => "PI",
        MdcCodes.BodyWeight => "Weight",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A UCUM unit as a ward writes it: <c>Cel</c> is °C, <c>mm[Hg]</c> is mmHg (<c>kg</c> stays kg).</summary>
    public static string DisplayUnit(string ucum) => ucum switch
    {
        "Cel" => "°C",
        "mm[Hg]" => "mmHg",
        _ => ucum,
    };
}
