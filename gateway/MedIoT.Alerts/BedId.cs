using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Alerts;

/// <summary>
/// A bed's name on its ward, as the device registry gives it, for example <c>03</c>: 1 to <see cref="MaxLength"/> characters of
/// <c>A–Z a–z 0–9 . _ -</c>. Only <see cref="TryCreate"/> makes one, so every non-default value is valid;
/// <see langword="default"/> is the one invalid value, which the engine refuses.
/// </summary>
public readonly record struct BedId
{
    /// <summary>The longest bed name, in characters.</summary>
    public const int MaxLength = 32;

    private readonly string? _name;

    private BedId(string name) => _name = name;

    /// <summary>False only for <see langword="default"/>.</summary>
    public bool IsValid => _name is not null;

    /// <summary>Makes a bed id of <paramref name="name"/>; false when it is not 1–32 of <c>A–Z a–z 0–9 . _ -</c>.</summary>
    public static bool TryCreate([NotNullWhen(true)] string? name, out BedId bed)
    {
        bed = Identifiers.IsValid(name, MaxLength, Identifiers.Place) ? new BedId(name!) : default;
        return bed.IsValid;
    }

    /// <summary>A bed id from a name the code itself holds (tests, constants).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid bed name.</exception>
    public static BedId Parse(string name) =>
        TryCreate(name, out var bed) ? bed : throw new ArgumentException("A bed is 1-32 of A-Z a-z 0-9 . _ -.", nameof(name));

    /// <summary>The name; empty for <see langword="default"/>.</summary>
    public override string ToString() => _name ?? string.Empty;
}
