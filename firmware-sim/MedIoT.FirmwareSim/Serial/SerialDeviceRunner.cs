using MedIoT.Serial;

namespace MedIoT.FirmwareSim.Serial;

/// <summary>Writes a <see cref="SerialReadingSource"/>'s readings to a serial port at a fixed rate.</summary>
public static class SerialDeviceRunner
{
    /// <summary>Writes readings every <paramref name="interval"/> until <paramref name="count"/> (or cancellation); returns how many were written.</summary>
    public static async Task<long> RunAsync(
        SerialReadingSource source, SerialPort port, TimeSpan interval, long? count, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(port);
        using var timer = new PeriodicTimer(interval, timeProvider);
        long written = 0;
        try
        {
            while (count is null || written < count)
            {
                await port.WriteAsync(source.Next().Bytes, cancellationToken).ConfigureAwait(false);
                written++;
                if (count is not null && written >= count)
                {
                    break;
                }

                await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return written;
    }
}
