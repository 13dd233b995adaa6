using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedIoT.Hosting.Tests;

public sealed class ServiceHostRunTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_background_service_that_fails_stops_the_host_with_a_failure_exit_code()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHostedService<FailingService>();

        var exitCode = await ServiceHostRun.RunAsync(builder.Build()).WaitAsync(s_bound);

        Assert.Equal(ServiceHostRun.BackgroundServiceFailed, exitCode);
    }

    [Fact]
    public async Task A_requested_stop_exits_with_zero()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHostedService<StoppingService>();

        var exitCode = await ServiceHostRun.RunAsync(builder.Build()).WaitAsync(s_bound);

        Assert.Equal(0, exitCode);
    }

    /// <summary>Fails after the host has started, as an allocation under the heap limit would.</summary>
    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new OutOfMemoryException("The test's stand-in for a heap limit reached.");
        }
    }

    /// <summary>Asks the host to stop, as SIGTERM does, and ends when told to.</summary>
    private sealed class StoppingService(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            lifetime.StopApplication();
            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
