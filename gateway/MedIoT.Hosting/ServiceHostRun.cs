using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedIoT.Hosting;

/// <summary>
/// Runs a service's host to its end and turns how it ended into the process's exit code. Under .NET 10's default
/// (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) a background service that fails — an
/// <see cref="OutOfMemoryException"/> at the GC's heap limit, a journal that can no longer write — stops the host, and
/// <see cref="HostingAbstractionsHostExtensions.RunAsync"/> then returns as it does after a requested stop. Exit code 0
/// would tell systemd the service ended on purpose, so <c>Restart=on-failure</c> would leave the ward without a gateway.
/// </summary>
public static class ServiceHostRun
{
    /// <summary>The exit code after a background service failed: <c>EX_SOFTWARE</c> (sysexits.h), "internal software error".</summary>
    public const int BackgroundServiceFailed = 70;

    /// <summary>Runs <paramref name="host"/> until it stops (and disposes it); 0 after a requested stop, <see cref="BackgroundServiceFailed"/> when a background service failed.</summary>
    public static async Task<int> RunAsync(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        // Resolved before the run: the host disposes its services when it ends. They are the singletons the host starts.
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToArray();
        await host.RunAsync().ConfigureAwait(false);
        return services.Any(s => s.ExecuteTask is { IsFaulted: true }) ? BackgroundServiceFailed : 0;
    }
}
