using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Alerts;

/// <summary>
/// The identity of a staff member who acknowledges an alarm or records an observation, for example
/// <c>nurse.jones</c>: 1 to <see cref="MaxLength"/> characters of <c>A–Z a–z 0–9 . _ @ -</c>. Only
/// <see cref="TryCreate"/> makes one, so every non-default value is valid; <see langword="default"/> is the one invalid
/// value, which the engine refuses.
/// </summary>
public readonly record struct StaffId
{
    /// <summary>The longest staff identity, in characters.</summary>
    public const int MaxLength = 64;

    private readonly string? _name;

    private StaffId(string name) => _name = name;

    /// <summary>False only for <see langword="default"/>.</summary>
    public bool IsValid => _name is not null;

    /// <summary>Makes a staff id of <paramref name="name"/>; false when it is not 1–64 of <c>A–Z a–z 0–9 . _ @ -</c>.</summary>
    public static bool TryCreate([NotNullWhen(true)] string? name, out StaffId staff)
    {
        staff = Identifiers.IsValid(name, MaxLength, Identifiers.Staff) ? new StaffId(name!) : default;
        return staff.IsValid;
    }

    /// <summary>A staff id from a name the code itself holds (tests, constants).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid staff identity.</exception>
    public static StaffId Parse(string name) =>
        TryCreate(name, out var staff) ? staff : throw new ArgumentException("A staff identity is 1-64 of A-Z a-z 0-9 . _ @ -.", nameof(name));

    /// <summary>The identity; empty for <see langword="default"/>.</summary>
    public override string ToString() => _name ?? string.Empty;
}
