using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Alerts;

/// <summary>
/// A ward's name as the device registry gives it, for example <c>7A</c>: 1 to <see cref="MaxLength"/> characters of
/// <c>A–Z a–z 0–9 . _ -</c>. Only <see cref="TryCreate"/> makes one, so every non-default value is valid;
/// <see langword="default"/> is the one invalid value, which the engine refuses.
/// </summary>
public readonly record struct WardId
{
    /// <summary>The longest ward name, in characters.</summary>
    public const int MaxLength = 32;

    private readonly string? _name;

    private WardId(string name) => _name = name;

    /// <summary>False only for <see langword="default"/>.</summary>
    public bool IsValid => _name is not null;

    /// <summary>Makes a ward id of <paramref name="name"/>; false when it is not 1–32 of <c>A–Z a–z 0–9 . _ -</c>.</summary>
    public static bool TryCreate([NotNullWhen(true)] string? name, out WardId ward)
    {
        ward = Identifiers.IsValid(name, MaxLength, Identifiers.Place) ? new WardId(name!) : default;
        return ward.IsValid;
    }

    /// <summary>A ward id from a name the code itself holds (tests, constants).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid ward name.</exception>
    public static WardId Parse(string name) =>
        TryCreate(name, out var ward) ? ward : throw new ArgumentException("A ward is 1-32 of A-Z a-z 0-9 . _ -.", nameof(name));

    /// <summary>The name; empty for <see langword="default"/>.</summary>
    public override string ToString() => _name ?? string.Empty;
}
