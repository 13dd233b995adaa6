using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Hosting;

/// <summary>
/// Applies <see cref="MemoryOptions"/>: limits glibc's malloc arenas when the host starts and trims the native heap every
/// <see cref="MemoryOptions.TrimIntervalSeconds"/>, so memory the runtime freed (JIT compile buffers, OpenSSL contexts)
/// does not stay resident. Touches no managed memory and no data.
/// </summary>
internal sealed class NativeHeapService(IOptions<MemoryOptions> options, TimeProvider timeProvider, ILogger<NativeHeapService> logger) : BackgroundService
{
    private readonly MemoryOptions _options = options.Value;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the other services start their threads: arenas already made stay, later ones are limited.
        if (_options.MallocArenas > 0 && !NativeHeap.TryLimitArenas(_options.MallocArenas))
        {
            Log.NativeHeapUnsupported(logger, "mallopt(M_ARENA_MAX)");
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.TrimIntervalSeconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.TrimIntervalSeconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!NativeHeap.TryTrim())
                {
                    Log.NativeHeapUnsupported(logger, "malloc_trim");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
