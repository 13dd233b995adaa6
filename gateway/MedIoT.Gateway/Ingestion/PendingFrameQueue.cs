using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// The hand-off from ingestion to storage. Bounded by <see cref="IngestionOptions.PendingFrameCapacity"/>:
/// when InfluxDB falls behind, ingestion waits and the broker keeps the unacknowledged frames; a vital
/// sign is never dropped to make room.
/// </summary>
public sealed class PendingFrameQueue
{
    private readonly Channel<PendingFrame> _channel;

    public PendingFrameQueue(IOptions<IngestionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _channel = Channel.CreateBounded<PendingFrame>(new BoundedChannelOptions(options.Value.PendingFrameCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Where sources put frames.</summary>
    public ChannelWriter<PendingFrame> Writer => _channel.Writer;

    /// <summary>Where the store takes them.</summary>
    public ChannelReader<PendingFrame> Reader => _channel.Reader;
}
