using System.Globalization;
using System.Text.RegularExpressions;

namespace MedIoT.Sensors.Internal;

/// <summary>Tells a chip that did not answer from other bus trouble in the <see cref="IOException"/> an I2C transfer
/// throws.</summary>
internal static partial class I2cFailure
{
    // Linux i2c-dev fails a transfer nobody acknowledged with ENXIO (6) or EREMOTEIO (121), depending on the bus driver
    // (Documentation/i2c/fault-codes.rst); System.Device.Gpio's UnixI2cDevice reports it as "Error <errno> performing I2C
    // data transfer.". Anything else (EIO, ETIMEDOUT for a stuck bus, EAGAIN for lost arbitration) is a bus error.
    private const int NoSuchDeviceOrAddress = 6;
    private const int RemoteIoError = 121;

    public static SensorFault Classify(IOException exception)
    {
        var match = ErrnoPattern().Match(exception.Message);
        if (!match.Success)
        {
            return SensorFault.BusError;
        }

        var errno = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        return errno is NoSuchDeviceOrAddress or RemoteIoError ? SensorFault.NotAnswering : SensorFault.BusError;
    }

    [GeneratedRegex(@"^Error (\d{1,5}) performing I2C", RegexOptions.CultureInvariant)]
    private static partial Regex ErrnoPattern();
}
