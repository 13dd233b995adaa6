namespace MedIoT.Sensors.Internal;

/// <summary>A value read from outside that can say what is wrong with it.</summary>
internal interface IValidated
{
    /// <summary>What is wrong, or <see langword="null"/> when the value can be used.</summary>
    string? Problem();
}
