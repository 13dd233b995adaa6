using System.Text;
using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Tests.Frames;

public sealed class DeviceFrameJsonTests
{
    private const string ContractExample =
        """{"v":1,"device":"ward7-bed01-spo2","seq":42,"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00.123Z"}]}""";

    [Fact]
    public void The_contract_example_parses_and_serialises_back_byte_for_byte()
    {
        Assert.True(DeviceFrameJson.TryParse(Encoding.UTF8.GetBytes(ContractExample), out var frame, out var reason, out var detail), detail);
        Assert.Equal(FrameRejectionReason.None, reason);
        Assert.Equal("ward7-bed01-spo2", frame.DeviceId);
        Assert.Equal(42, frame.SequenceNumber);
        Assert.Equal(new Observation(MdcCodes.OxygenSaturation, 97, "%", 1_795_266_000_123_000_000), Assert.Single(frame.Observations));

        Assert.Equal(ContractExample, Encoding.UTF8.GetString(DeviceFrameJson.Serialize(frame)));
    }

    [Fact]
    public void Values_serialise_as_the_shortest_round_trip_text()
    {
        var frame = new DeviceFrame("bed-1", 0,
        [
            new Observation(MdcCodes.BodyTemperature, 36.6, "Cel", 0),
            new Observation(MdcCodes.NoninvasiveMean, 93.333333333333329, "mm[Hg]", 1),
            new Observation(MdcCodes.RespirationRate, -0.0, "/min", 1),
        ]);

        var json = Encoding.UTF8.GetString(DeviceFrameJson.Serialize(frame));

        Assert.Equal(
            """{"v":1,"device":"bed-1","seq":0,"obs":[{"code":150364,"value":36.6,"unit":"Cel","time":"1970-01-01T00:00:00Z"},""" +
            """{"code":150023,"value":93.33333333333333,"unit":"mm[Hg]","time":"1970-01-01T00:00:00.000000001Z"},""" +
            """{"code":151562,"value":-0,"unit":"/min","time":"1970-01-01T00:00:00.000000001Z"}]}""",
            json);
        Assert.True(DeviceFrameJson.TryParse(Encoding.UTF8.GetBytes(json), out var parsed, out _, out _));
        TestSupport.AssertSameFrame(frame, parsed);
    }

    [Fact]
    public void The_constructor_refuses_what_the_parser_would_refuse()
    {
        Observation[] good = [new Observation(MdcCodes.OxygenSaturation, 97, "%", 0)];

        Assert.Throws<ArgumentException>(() => new DeviceFrame("", 0, good));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed/1", 0, good));
        Assert.Throws<ArgumentException>(() => new DeviceFrame(new string('a', 65), 0, good));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceFrame("bed-1", -1, good));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceFrame("bed-1", DeviceFrame.MaxSequenceNumber + 1, good));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, []));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, Enumerable.Repeat(good[0], 65).ToArray()));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [good[0] with { Unit = "/min" }]));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [good[0] with { Code = 1 }]));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [good[0] with { Value = double.NaN }]));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [good[0] with { Value = double.PositiveInfinity }]));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [good[0] with { TimeUnixNanoseconds = -1 }]));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [default]));

        var frame = new DeviceFrame(new string('a', 64), DeviceFrame.MaxSequenceNumber, Enumerable.Repeat(good[0], 64).ToArray());
        Assert.Equal(64, frame.Observations.Count);
    }

    [Fact]
    public void A_frame_reports_status_only_when_given_and_round_trips_it()
    {
        Observation[] good = [new Observation(MdcCodes.OxygenSaturation, 97, "%", 0)];

        var silent = new DeviceFrame("bed-1", 1, good);
        Assert.Null(silent.Status);
        Assert.DoesNotContain("status", Encoding.UTF8.GetString(DeviceFrameJson.Serialize(silent)), StringComparison.Ordinal);

        var fine = new DeviceFrame("bed-1", 2, good, DeviceStatus.None);
        Assert.Equal("""{"v":1,"device":"bed-1","seq":2,"status":[],"obs":[{"code":150456,"value":97,"unit":"%","time":"1970-01-01T00:00:00Z"}]}""",
            Encoding.UTF8.GetString(DeviceFrameJson.Serialize(fine)));

        var off = new DeviceFrame("bed-1", 3, [], DeviceStatus.LowBattery | DeviceStatus.SensorOff);
        var json = DeviceFrameJson.Serialize(off);
        Assert.Equal("""{"v":1,"device":"bed-1","seq":3,"status":["sensor-off","low-battery"],"obs":[]}""", Encoding.UTF8.GetString(json));
        Assert.True(DeviceFrameJson.TryParse(json, out var parsed, out _, out var detail), detail);
        TestSupport.AssertSameFrame(off, parsed);
        Assert.Equal(DeviceStatus.LowBattery | DeviceStatus.SensorOff, parsed.Status);
    }

    [Fact]
    public void The_constructor_refuses_status_the_parser_would_refuse()
    {
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [], null));
        Assert.Empty(new DeviceFrame("bed-1", 0, [], DeviceStatus.None).Observations);
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [], (DeviceStatus)(1 << 11)));
        Assert.Throws<ArgumentException>(() => new DeviceFrame("bed-1", 0, [], DeviceStatus.SensorOff | (DeviceStatus)(1 << 20)));
    }

    [Fact]
    public void Every_device_status_flag_has_one_wire_name_that_parses_back()
    {
        var flags = Enum.GetValues<DeviceStatus>().Where(flag => flag != DeviceStatus.None).ToList();
        Assert.Equal(DeviceStatusNames.Count, flags.Count);
        Assert.Equal(flags.Aggregate(DeviceStatus.None, (all, flag) => all | flag), DeviceStatusNames.AllFlags);
        var names = flags.Select(DeviceStatusNames.NameOf).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var flag in flags)
        {
            var name = DeviceStatusNames.NameOf(flag);
            Assert.Matches("^[a-z]+(-[a-z]+)*$", name);
            Assert.True(name.Length <= DeviceStatusNames.MaxNameBytes);
            Assert.True(DeviceStatusNames.TryParse(name, out var parsed));
            Assert.Equal(flag, parsed);
            Assert.True(DeviceStatusNames.TryParse(Encoding.ASCII.GetBytes(name), out parsed));
            Assert.Equal(flag, parsed);
        }

        Assert.Equal("sensor-off", DeviceStatusNames.NameOf(DeviceStatus.SensorOff));
        Assert.Equal(["sensor-off", "low-battery"], DeviceStatusNames.NamesOf(DeviceStatus.LowBattery | DeviceStatus.SensorOff));
        Assert.False(DeviceStatusNames.TryParse("SensorOff", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceStatusNames.NameOf(DeviceStatus.SensorOff | DeviceStatus.NoCable));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ward7-bed01-spo2")]
    [InlineData("A.b_C-9")]
    public void Valid_device_ids(string id) => Assert.True(DeviceFrame.IsValidDeviceId(id));

    [Theory]
    [InlineData("")]
    [InlineData("bed 1")]
    [InlineData("bed/1")]
    [InlineData("bed+1")]
    [InlineData("bed#1")]
    [InlineData("bédé")]
    public void Invalid_device_ids(string id) => Assert.False(DeviceFrame.IsValidDeviceId(id));

    [Fact]
    public void Details_never_repeat_payload_values()
    {
        // A distinctive value in each place a rule can fail.
        string[] payloads =
        [
            """{"v":1,"device":"bed-1","seq":-987654,"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00Z"}]}""",
            """{"v":1,"device":"bed-1","seq":1,"obs":[{"code":987654,"value":97,"unit":"%","time":"2026-11-21T13:00:00Z"}]}""",
            """{"v":1,"device":"bed-1","seq":1,"obs":[{"code":150456,"value":"987654","unit":"%","time":"2026-11-21T13:00:00Z"}]}""",
            """{"v":1,"device":"bed-1","seq":1,"obs":[{"code":150456,"value":97,"unit":"987654","time":"2026-11-21T13:00:00Z"}]}""",
            """{"v":1,"device":"bed-1","seq":1,"obs":[{"code":150456,"value":97,"unit":"%","time":"987654"}]}""",
            """{"v":1,"device":"bed-1","seq":1,"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00Z","987654":1}]}""",
            """{"v":1,"device":"bed/987654","seq":1,"obs":[{"code":150456,"value":97,"unit":"%","time":"2026-11-21T13:00:00Z"}]}""",
            """{"v":1,"device":"bed-1","seq":1,"status":["987654"],"obs":[]}""",
            """{"v":1,"device":"bed-1","seq":1,"status":[987654],"obs":[]}""",
        ];

        foreach (var payload in payloads)
        {
            Assert.False(DeviceFrameJson.TryParse(Encoding.UTF8.GetBytes(payload), out _, out var reason, out var detail));
            Assert.NotEqual(FrameRejectionReason.None, reason);
            Assert.DoesNotContain("987654", detail, StringComparison.Ordinal);
        }
    }
}
