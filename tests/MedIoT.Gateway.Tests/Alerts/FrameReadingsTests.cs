using MedIoT.Alerts;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Tests.Alerts;

public sealed class FrameReadingsTests
{
    [Fact]
    public void A_verified_frame_becomes_one_reading_per_observation_at_the_registered_bed()
    {
        using var device = new TestDevice("ox-1", ward: "7B", bed: "12");
        var frame = new VerifiedFrame(device.Registration, device.Frame(saturation: 93, pulse: 101, second: 5));
        var receivedAt = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        var readings = FrameReadings.From(frame, receivedAt).ToList();

        Assert.Equal(2, readings.Count);
        Assert.All(readings, reading => Assert.Equal((BedLocation.Parse("7B", "12"), "ox-1", receivedAt), (reading.Bed, reading.DeviceId, reading.ReceivedAt)));
        Assert.Equal((MdcCodes.OxygenSaturation, 93.0), (readings[0].MdcCode, readings[0].Value));
        Assert.Equal((MdcCodes.PulseRateOximeter, 101.0), (readings[1].MdcCode, readings[1].Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(TestDevice.TimeNanoseconds(5) / 1_000_000_000), readings[0].MeasuredAt);
    }
}
