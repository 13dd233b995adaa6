using MedIoT.Alerts;
using MedIoT.Gateway.Devices;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Tests.Devices;

public sealed class DeviceStatusEventsTests
{
    [Fact]
    public async Task Publishing_never_waits_and_without_a_reader_the_oldest_events_are_dropped_and_counted()
    {
        var events = new DeviceStatusEvents();
        var device = new RegisteredDevice("d", "pulse-oximeter", BedLocation.Parse("7A", "01"), null, false, DeviceTrust.GatewayAttested);
        for (var i = 0; i < 5000; i++)
        {
            events.Publish(new DeviceStatusEvent(device, DeviceStatusEventKind.NoData, DeviceStatus.None, DateTimeOffset.UnixEpoch.AddSeconds(i), null));
        }

        Assert.Equal(5000 - 4096, events.Dropped);
        var first = await events.Reader.ReadAsync();
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(5000 - 4096), first.Time); // the newest 4096 are kept
    }
}
