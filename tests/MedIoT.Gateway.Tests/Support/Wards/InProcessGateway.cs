using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Ingestion;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// The gateway host (<see cref="GatewayHost.CreateBuilder"/>) running in the test process on a ward, with its settings
/// in memory and every log record at Debug and above in <see cref="Logs"/>.
/// </summary>
public sealed class InProcessGateway : IWardGateway
{
    private static readonly TimeSpan s_subscribeTimeout = TimeSpan.FromSeconds(30);
    private readonly IHost _host;
    private bool _started;
    private int _stopped;
    private int _disposed;

    private InProcessGateway(IHost host, FakeLogCollector logs)
    {
        _host = host;
        Logs = logs;
    }

    public FakeLogCollector Logs { get; }

    public IServiceProvider Services => _host.Services;

    public IngestionStatistics Statistics => Service<IngestionStatistics>();

    /// <summary>The gateway's HTTP surface (on a free port chosen at start).</summary>
    public Task<Uri> HttpAddress => Service<GatewayHttpServer>().Listening;

    public string RecentOutput => Logs.GetSnapshot().Describe();

    public T Service<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>
    /// A launcher: <paramref name="services"/> may replace registrations (a fake alarm clock); the start waits until the
    /// gateway subscribed (unless <paramref name="waitForSubscription"/> is false) and then for <paramref name="ready"/>.
    /// </summary>
    public static IWardGatewayLauncher Launcher(Action<IServiceCollection>? services = null, Func<InProcessGateway, Task>? ready = null,
        bool waitForSubscription = true) => new HostLauncher(services, ready, waitForSubscription);

    public async Task StopAsync()
    {
        if (_started && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }

    private sealed class HostLauncher(Action<IServiceCollection>? services, Func<InProcessGateway, Task>? ready, bool waitForSubscription) : IWardGatewayLauncher
    {
        public async Task<IWardGateway> StartAsync(Ward ward, IReadOnlyDictionary<string, string> settings)
        {
            var builder = GatewayHost.CreateBuilder([], configuration =>
                configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
            var logs = TestLogs.CreateProvider();
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            services?.Invoke(builder.Services);
            var gateway = new InProcessGateway(builder.Build(), logs.Collector);
            try
            {
                await gateway._host.StartAsync();
                gateway._started = true;
                if (waitForSubscription)
                {
                    try
                    {
                        await gateway.Statistics.WaitUntilAsync(s => s.Subscriptions >= 1, s_subscribeTimeout);
                    }
                    catch (TimeoutException exception)
                    {
                        throw new InvalidOperationException(
                            "The gateway did not subscribe. Its log:" + Environment.NewLine + gateway.RecentOutput +
                            Environment.NewLine + "mosquitto:" + Environment.NewLine + ward.Mosquitto.RecentOutput, exception);
                    }
                }

                if (ready is not null)
                {
                    await ready(gateway);
                }

                return gateway;
            }
            catch
            {
                await gateway.DisposeAsync();
                throw;
            }
        }
    }
}
