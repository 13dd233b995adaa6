using System.Globalization;
using MedIoT.Protocol.Frames;
using MedIoT.Serial;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>
/// Validates each entry of <c>Gateway:Serial:Ports</c> at start, with messages in the form of
/// <see cref="SettingsValidator{TOptions}"/>: the setting's full path, its value and where to fix it.
/// </summary>
internal sealed class SerialSettingsValidator : IValidateOptions<SerialOptions>
{
    public ValidateOptionsResult Validate(string? name, SerialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Problem(int index, string setting, object? value, string problem)
        {
            var path = $"{SerialOptions.SectionName}:Ports:{index}:{setting}";
            var shown = Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text ? text : "(empty)";
            failures.Add($"Setting '{path}' = '{shown}': {problem} Fix it in the settings file or with the environment variable MEDIOT_{path.Replace(":", "__", StringComparison.Ordinal)}.");
        }

        if (options.ReopenMaximumDelayMilliseconds < options.ReopenInitialDelayMilliseconds)
        {
            failures.Add($"Setting '{SerialOptions.SectionName}:ReopenMaximumDelayMilliseconds' = '{options.ReopenMaximumDelayMilliseconds}': " +
                "must not be less than ReopenInitialDelayMilliseconds. Fix it in the settings file or with the environment variable " +
                "MEDIOT_Gateway__Serial__ReopenMaximumDelayMilliseconds.");
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        var devices = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.Ports.Count; index++)
        {
            var port = options.Ports[index];
            if (string.IsNullOrEmpty(port.DevicePath) || !Path.IsPathFullyQualified(port.DevicePath))
            {
                Problem(index, nameof(port.DevicePath), port.DevicePath, "must be an absolute path such as /dev/serial/by-id/usb-FTDI_...-if00-port0.");
            }
            else if (!paths.Add(port.DevicePath))
            {
                Problem(index, nameof(port.DevicePath), port.DevicePath, "is configured twice; a port can only be read once.");
            }

            if (!SerialLineSettings.SupportedBaudRates.Contains(port.BaudRate))
            {
                Problem(index, nameof(port.BaudRate), port.BaudRate, $"must be one of {string.Join(", ", SerialLineSettings.SupportedBaudRates)}.");
            }

            if (port.DataBits is not (7 or 8))
            {
                Problem(index, nameof(port.DataBits), port.DataBits, "must be 7 or 8.");
            }

            if (!Enum.IsDefined(port.Parity))
            {
                Problem(index, nameof(port.Parity), port.Parity, "must be None, Even or Odd.");
            }

            if (port.StopBits is not (1 or 2))
            {
                Problem(index, nameof(port.StopBits), port.StopBits, "must be 1 or 2.");
            }

            if (!Enum.IsDefined(port.Protocol))
            {
                Problem(index, nameof(port.Protocol), port.Protocol, "must be Signed, Masimo or Nonin.");
            }

            if (!DeviceFrame.IsValidDeviceId(port.DeviceId))
            {
                Problem(index, nameof(port.DeviceId), port.DeviceId, $"must be a registered device id (1–{DeviceFrame.MaxDeviceIdLength} of A–Z a–z 0–9 . _ -).");
            }
            else if (!devices.Add(port.DeviceId))
            {
                Problem(index, nameof(port.DeviceId), port.DeviceId, "is configured on two ports; a device is on one port.");
            }

            if (port.NoDataTimeoutSeconds is < 1 or > 3600)
            {
                Problem(index, nameof(port.NoDataTimeoutSeconds), port.NoDataTimeoutSeconds, "must be between 1 and 3600.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
