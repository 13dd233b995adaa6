namespace MedIoT.Alerts;

/// <summary>A bed on a ward, as named in the device registry.</summary>
/// <param name="Ward">The ward, for example <c>7A</c>.</param>
/// <param name="Bed">The bed on that ward, for example <c>03</c>.</param>
public readonly record struct BedLocation(WardId Ward, BedId Bed)
{
    /// <summary>False when the ward or the bed is <see langword="default"/>.</summary>
    public bool IsValid => Ward.IsValid && Bed.IsValid;

    /// <summary>A place from a ward and a bed name; false when either is not a valid name.</summary>
    public static bool TryCreate(string? ward, string? bed, out BedLocation location)
    {
        location = WardId.TryCreate(ward, out var wardId) && BedId.TryCreate(bed, out var bedId) ? new BedLocation(wardId, bedId) : default;
        return location.IsValid;
    }

    /// <summary>A place from names the code itself holds (tests, constants).</summary>
    /// <exception cref="ArgumentException">A name is not valid.</exception>
    public static BedLocation Parse(string ward, string bed) => new(WardId.Parse(ward), BedId.Parse(bed));

    /// <inheritdoc />
    public override string ToString() => $"{Ward}/{Bed}";
}
