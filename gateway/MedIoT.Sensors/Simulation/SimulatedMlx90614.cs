using System.Device.I2c;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// A Melexis MLX90614 infrared thermometer as an <see cref="I2cDevice"/>, word for word as its datasheet describes the
/// SMBus interface, so <c>Iot.Device.Mlx90614.Mlx90614</c> reads it unchanged.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Commands (datasheet "SMBus communication"): 000x xxxx reads RAM word x, 001x xxxx reads EEPROM word x, 0xF0 reads
/// the flags.</item>
/// <item>RAM 0x06 is Ta, 0x07 Tobj1, 0x08 Tobj2: kelvin × 50 (0.02 K per bit); bit 15 is the error flag.</item>
/// <item>A Read Word answers low byte, high byte, then the PEC: CRC-8 over the write address, the command, the
/// repeated-start read address and both data bytes (SMBus 3.x §6.4). A master reading past the PEC reads 0xFF (the
/// released bus).</item>
/// <item>A Write Word to EEPROM (command, low, high, PEC) is stored only with a correct PEC, as the chip does.</item>
/// <item><see cref="Answering"/> false throws <see cref="IOException"/> with the message Linux's i2c-dev gives for a missing
/// acknowledge (errno 121, EREMOTEIO), as <c>UnixI2cDevice</c> would.</item>
/// </list>
/// </remarks>
public sealed class SimulatedMlx90614 : I2cDevice
{
    /// <summary>The factory SMBus address (EEPROM 0x0E, datasheet).</summary>
    public const int DefaultAddress = 0x5A;

    /// <summary>The message <c>UnixI2cDevice</c> gives when the kernel reports no acknowledge (errno 121).</summary>
    public const string NotAcknowledgedMessage = "Error 121 performing I2C data transfer.";

    private const byte RamAmbient = 0x06;
    private const byte RamObject1 = 0x07;
    private const byte RamObject2 = 0x08;
    private const byte EepromObjectMaximum = 0x00;
    private const byte EepromObjectMinimum = 0x01;
    private const byte EepromEmissivity = 0x04;
    private const byte EepromSmbusAddress = 0x0E;
    private const byte ReadFlags = 0xF0;
    private const ushort ErrorFlagBit = 0x8000;

    private readonly Lock _gate = new();
    private readonly I2cConnectionSettings _settings;
    private readonly ushort[] _eeprom = new ushort[32];
    private double _objectCelsius = 36.8;
    private double _ambientCelsius = 22.0;
    private bool _errorFlag;
    private bool _corruptPacketErrorCheck;
    private bool _answering = true;
    private ushort? _rawObjectOverride;
    private bool _disposed;

    /// <summary>Creates the chip at <paramref name="address"/> on simulated bus <paramref name="busId"/>.</summary>
    public SimulatedMlx90614(int address = DefaultAddress, int busId = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(address, 0x03);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(address, 0x77);
        _settings = new I2cConnectionSettings(busId, address);

        // Object range limits are stored as 100 × kelvin: 120 °C and -20 °C, the factory range.
        _eeprom[EepromObjectMaximum] = (ushort)Math.Round((120 + 273.15) * 100);
        _eeprom[EepromObjectMinimum] = (ushort)Math.Round((-20 + 273.15) * 100);
        // Emissivity = 65535 × ε; 0xFFFF is ε = 1.0.
        _eeprom[EepromEmissivity] = 0xFFFF;
        _eeprom[EepromSmbusAddress] = (ushort)address;
    }

    /// <summary>The object temperature the sensor sees (Tobj1 and Tobj2), in °C.</summary>
    public double ObjectCelsius
    {
        get { lock (_gate) { return _objectCelsius; } }
        set { lock (_gate) { _objectCelsius = RequireFinite(value); } }
    }

    /// <summary>The die (ambient) temperature Ta, in °C.</summary>
    public double AmbientCelsius
    {
        get { lock (_gate) { return _ambientCelsius; } }
        set { lock (_gate) { _ambientCelsius = RequireFinite(value); } }
    }

    /// <summary>Sets bit 15 of the object temperature words, which the chip does when the reading is invalid.</summary>
    public bool ErrorFlag
    {
        get { lock (_gate) { return _errorFlag; } }
        set { lock (_gate) { _errorFlag = value; } }
    }

    /// <summary>Sends a PEC byte one off from the right one, as a disturbed bus would.</summary>
    public bool CorruptPacketErrorCheck
    {
        get { lock (_gate) { return _corruptPacketErrorCheck; } }
        set { lock (_gate) { _corruptPacketErrorCheck = value; } }
    }

    /// <summary>False: every transfer fails with <see cref="IOException"/> as a missing acknowledge does.</summary>
    public bool Answering
    {
        get { lock (_gate) { return _answering; } }
        set { lock (_gate) { _answering = value; } }
    }

    /// <summary>When set, the raw Tobj1 word the chip returns whatever the temperature (for 0x8000 and other edge cases).</summary>
    public ushort? RawObjectOverride
    {
        get { lock (_gate) { return _rawObjectOverride; } }
        set { lock (_gate) { _rawObjectOverride = value; } }
    }

    /// <summary>How many Read Word transactions the chip has answered.</summary>
    public long WordsRead { get; private set; }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>The word at <paramref name="command"/> as the chip would answer it, without a transaction.</summary>
    public ushort WordAt(byte command)
    {
        lock (_gate)
        {
            return WordFor(command);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            if (writeBuffer.Length != 1 || readBuffer.Length == 0)
            {
                // The chip knows only Read Word: one command byte, then a repeated start and the answer.
                throw new IOException(NotAcknowledgedMessage);
            }

            var command = writeBuffer[0];
            var word = WordFor(command);
            var low = (byte)(word & 0xFF);
            var high = (byte)(word >> 8);
            var pec = SmbusPacketErrorCheck.OfReadWord(_settings.DeviceAddress, command, low, high);
            if (_corruptPacketErrorCheck)
            {
                pec ^= 0x01;
            }

            ReadOnlySpan<byte> answer = [low, high, pec];
            readBuffer.Fill(0xFF);
            answer[..Math.Min(answer.Length, readBuffer.Length)].CopyTo(readBuffer);
            WordsRead++;
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            if (buffer.Length != 4)
            {
                throw new IOException(NotAcknowledgedMessage);
            }

            var command = buffer[0];
            var pec = SmbusPacketErrorCheck.OfWriteWord(_settings.DeviceAddress, command, buffer[1], buffer[2]);
            if (pec == buffer[3] && (command & 0xE0) == 0x20)
            {
                _eeprom[command & 0x1F] = (ushort)(buffer[1] | (buffer[2] << 8));
            }
        }
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    /// <remarks>The chip answers no plain read (there is no command to answer); it does not acknowledge.</remarks>
    public override void Read(Span<byte> buffer)
    {
        lock (_gate)
        {
            ThrowIfUnavailable();
            throw new IOException(NotAcknowledgedMessage);
        }
    }

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Read(stackalloc byte[1]);
        return 0;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _disposed = true;
        }

        base.Dispose(disposing);
    }

    // Under _gate.
    private void ThrowIfUnavailable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_answering)
        {
            throw new IOException(NotAcknowledgedMessage);
        }
    }

    // Under _gate.
    private ushort WordFor(byte command) => command switch
    {
        RamObject1 => _rawObjectOverride ?? TemperatureWord(_objectCelsius, _errorFlag),
        RamObject2 => TemperatureWord(_objectCelsius, _errorFlag),
        RamAmbient => TemperatureWord(_ambientCelsius, errorFlag: false),
        ReadFlags => 0,
        _ when (command & 0xE0) == 0x00 => 0,
        _ when (command & 0xE0) == 0x20 => _eeprom[command & 0x1F],
        _ => 0xFFFF,
    };

    // Kelvin × 50, 15 bits, error flag in bit 15 (datasheet, "RAM": 0.02 K per LSB).
    private static ushort TemperatureWord(double celsius, bool errorFlag)
    {
        var raw = (ushort)Math.Clamp(Math.Round((celsius + 273.15) * 50), 0, 0x7FFF);
        return errorFlag ? (ushort)(raw | ErrorFlagBit) : raw;
    }

    private static double RequireFinite(double value) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be a finite number.");
}
