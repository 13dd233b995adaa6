namespace MedIoT.Alerts.Rules;

/// <summary>Which side of a limit is the alarm side.</summary>
public enum LimitDirection
{
    /// <summary>A lower limit: values below it violate it (JSON <c>"below"</c>).</summary>
    Below = 1,

    /// <summary>An upper limit: values above it violate it (JSON <c>"above"</c>).</summary>
    Above = 2,
}
