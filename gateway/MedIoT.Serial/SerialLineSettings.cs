namespace MedIoT.Serial;

/// <summary>
/// The line settings of a serial port. Defaults are 9600 baud, 8 data bits, no parity, 1 stop bit (8N1), the
/// settings of most bedside devices.
/// </summary>
public sealed record SerialLineSettings
{
    /// <summary>The baud rates supported: 9600, 19200, 38400, 57600 and 115200.</summary>
    public static IReadOnlyList<int> SupportedBaudRates { get; } = [9600, 19_200, 38_400, 57_600, 115_200];

    /// <summary>Bits per second, one of <see cref="SupportedBaudRates"/>. Default 9600.</summary>
    public int BaudRate { get; init; } = 9600;

    /// <summary>Data bits per character, 7 or 8. Default 8.</summary>
    public int DataBits { get; init; } = 8;

    /// <summary>Parity. Default none.</summary>
    public SerialParity Parity { get; init; } = SerialParity.None;

    /// <summary>Stop bits, 1 or 2. Default 1.</summary>
    public int StopBits { get; init; } = 1;

    /// <summary>A short description such as <c>9600 8N1</c>, for logs.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{BaudRate} {DataBits}{Parity.ToString()[0]}{StopBits}");

    /// <summary>Throws when a value is not supported.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its documented range.</exception>
    public void Validate()
    {
        if (!SupportedBaudRates.Contains(BaudRate))
        {
            throw new ArgumentOutOfRangeException(nameof(BaudRate), BaudRate, $"The baud rate must be one of {string.Join(", ", SupportedBaudRates)}.");
        }

        if (DataBits is not (7 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(DataBits), DataBits, "Data bits must be 7 or 8.");
        }

        if (!Enum.IsDefined(Parity))
        {
            throw new ArgumentOutOfRangeException(nameof(Parity), Parity, "Parity must be None, Even or Odd.");
        }

        if (StopBits is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(StopBits), StopBits, "Stop bits must be 1 or 2.");
        }
    }
}
