namespace MedIoT.Gateway.Alerts;

/// <summary>A bed on a ward, as named in the device registry.</summary>
/// <param name="Ward">The ward, for example <c>7A</c>.</param>
/// <param name="Bed">The bed on that ward, for example <c>03</c>.</param>
public readonly record struct BedLocation(string Ward, string Bed)
{
    /// <inheritdoc />
    public override string ToString() => $"{Ward}/{Bed}";
}
