using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Hosting.Tests;

public sealed class HostingServiceCollectionExtensionsTests
{
    [Fact]
    public void The_system_clock_is_registered_once()
    {
        var services = new ServiceCollection().AddSystemTimeProvider().AddSystemTimeProvider();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(TimeProvider));
        using var provider = services.BuildServiceProvider();
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void A_clock_registered_first_is_kept()
    {
        var fake = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(fake).AddSystemTimeProvider();

        using var provider = services.BuildServiceProvider();
        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
    }
}
