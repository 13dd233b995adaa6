using System.Globalization;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// A whole ward on this machine for a test class: real mosquitto and influxd on free loopback ports, a provisioned simulated
/// ward of <see cref="Beds"/> beds, and the gateway host running in the test process (<see cref="WardBuilder"/>).
/// </summary>
public sealed class GatewayFixture() : Ward(new WardBuilder("ward")
    .ForGateway("gw-test", Database)
    .WithBeds(Beds)
    .WithSetting("Gateway:Ingestion:ReplayWindow", ReplayWindow.ToString(CultureInfo.InvariantCulture))
    .InProcess()), IAsyncLifetime
{
    public const string Database = "mediot_test";
    public const int Beds = 8;

    /// <summary>A small replay window, so a test can step past it with a few frames.</summary>
    public const int ReplayWindow = 8;

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
