using System.Buffers;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Serial;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>What one port's bytes decoded to: a signed token, or an unsigned reading to attest.</summary>
/// <param name="Token">A JWS read from a signed device, or null.</param>
/// <param name="Values">The (code, value) pairs of an unsigned reading; missing values are left out.</param>
/// <param name="Status">The device's self-reported status with an unsigned reading.</param>
internal readonly record struct SerialItem(byte[]? Token, IReadOnlyList<(int Code, double Value)> Values, DeviceStatus Status);

/// <summary>Runs the reader of one port's protocol over its bytes; rejections go to a callback, items to a list.</summary>
internal sealed class SerialFrameDecoder
{
    private readonly SerialProtocol _protocol;
    private readonly SignedLineReader? _signed;
    private readonly MasimoLineReader? _masimo;
    private readonly NoninFrameReader? _nonin;

    public SerialFrameDecoder(SerialProtocol protocol, int maxFrameBytes)
    {
        _protocol = protocol;
        switch (protocol)
        {
            case SerialProtocol.Signed:
                _signed = new SignedLineReader(maxFrameBytes);
                break;
            case SerialProtocol.Masimo:
                _masimo = new MasimoLineReader();
                break;
            default:
                _nonin = new NoninFrameReader();
                break;
        }
    }

    /// <summary>Decodes what <paramref name="buffer"/> holds, consuming it up to the first incomplete frame.</summary>
    public void Decode(ref ReadOnlySequence<byte> buffer, List<SerialItem> items, Action<SerialRejectionReason> onRejection)
    {
        while (true)
        {
            SerialRejectionReason rejection;
            switch (_protocol)
            {
                case SerialProtocol.Signed:
                    if (_signed!.TryReadFrame(ref buffer, out var token, out rejection))
                    {
                        items.Add(new SerialItem(token, [], DeviceStatus.None));
                        continue;
                    }

                    break;
                case SerialProtocol.Masimo:
                    if (_masimo!.TryReadFrame(ref buffer, out var masimo, out rejection))
                    {
                        var values = new List<(int, double)>(3);
                        AddIfPresent(values, MdcCodes.OxygenSaturation, masimo.OxygenSaturationPercent);
                        AddIfPresent(values, MdcCodes.PulseRateOximeter, masimo.PulseRatePerMinute);
                        AddIfPresent(values, MdcCodes.PerfusionIndex, masimo.PerfusionIndexPercent);
                        items.Add(new SerialItem(null, values, masimo.Status));
                        continue;
                    }

                    break;
                default:
                    if (_nonin!.TryReadFrame(ref buffer, out var nonin, out rejection))
                    {
                        var values = new List<(int, double)>(2);
                        AddIfPresent(values, MdcCodes.OxygenSaturation, nonin.OxygenSaturationPercent);
                        AddIfPresent(values, MdcCodes.PulseRateOximeter, nonin.PulseRatePerMinute);
                        items.Add(new SerialItem(null, values, nonin.Status));
                        continue;
                    }

                    break;
            }

            if (rejection == SerialRejectionReason.None)
            {
                return;
            }

            onRejection(rejection);
        }
    }

    private static void AddIfPresent(List<(int, double)> values, int code, double? value)
    {
        if (value is { } present)
        {
            values.Add((code, present));
        }
    }
}
