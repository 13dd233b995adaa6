using MedIoT.Hosting;
using MedIoT.Protocol.Frames;
using MedIoT.Serial;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>
/// Checks <c>Gateway:Serial</c> at start, beyond its annotations: the reopen delays and each entry of
/// <c>Gateway:Serial:Ports</c> (path, line settings, protocol, device).
/// </summary>
internal sealed class SerialOptionsValidator() : SettingsValidator<SerialOptions>(SerialOptions.SectionName)
{
    protected override void Check(SerialOptions options, SettingProblems problems)
    {
        void Problem(int index, string setting, object? value, string problem) => problems.Add($"Ports:{index}:{setting}", value, problem);

        if (options.ReopenMaximumDelayMilliseconds < options.ReopenInitialDelayMilliseconds)
        {
            problems.Add(nameof(SerialOptions.ReopenMaximumDelayMilliseconds), options.ReopenMaximumDelayMilliseconds,
                "must not be less than ReopenInitialDelayMilliseconds.");
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
    }
}
