using System.Text;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Serial;

namespace MedIoT.Serial.Tests.Protocol;

public sealed class MasimoLineReaderTests
{
    // The two public sample lines of the Radical-7 serial output (docs/serial.md).
    private const string SampleLine1 = "02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800";
    private const string SampleLine2 = "12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820";
    private const string DashedLine = "02/22/16 22:47:46 SN=0000056661 SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0060 EXC=000021";

    private static (List<MasimoReading> Frames, List<SerialRejectionReason> Rejections) Read(string text, Random? random = null)
    {
        var reader = new MasimoLineReader();
        return ReaderDriver.Run<MasimoReading>(reader.TryReadFrame, Encoding.ASCII.GetBytes(text), random);
    }

    [Fact]
    public void The_first_public_sample_line_gives_its_values_and_no_mapped_status()
    {
        var reading = Assert.Single(Read(SampleLine1 + "\r\n").Frames);
        Assert.Equal(98, reading.OxygenSaturationPercent);
        Assert.Equal(97, reading.PulseRatePerMinute);
        Assert.Equal(3.60, reading.PerfusionIndexPercent);
        Assert.Equal(0, reading.AlarmBits);
        Assert.Equal(0x800, reading.ExceptionBits);
        Assert.Equal(DeviceStatus.None, reading.Status); // 0x800 is not a documented EXC bit: kept raw, not mapped.
    }

    [Fact]
    public void The_second_public_sample_line_reports_the_sensor_off()
    {
        var reading = Assert.Single(Read(SampleLine2 + "\r\n").Frames);
        Assert.Equal(98, reading.OxygenSaturationPercent);
        Assert.Equal(240, reading.PulseRatePerMinute);
        Assert.Equal(20.00, reading.PerfusionIndexPercent);
        Assert.Equal(0x820, reading.ExceptionBits);
        Assert.Equal(DeviceStatus.SensorOff, reading.Status);
    }

    [Fact]
    public void Dash_filled_values_are_no_value_not_zero_and_status_bits_map()
    {
        var reading = Assert.Single(Read(DashedLine + "\r\n").Frames);
        Assert.Null(reading.OxygenSaturationPercent);
        Assert.Null(reading.PulseRatePerMinute);
        Assert.Null(reading.PerfusionIndexPercent);
        Assert.Equal(DeviceStatus.NoSensor | DeviceStatus.SensorOff | DeviceStatus.LowBattery | DeviceStatus.AlarmSilenced, reading.Status);
    }

    [Theory]
    [InlineData(0x1, 0, DeviceStatus.NoSensor)]
    [InlineData(0x2, 0, DeviceStatus.DefectiveSensor)]
    [InlineData(0x4, 0, DeviceStatus.LowPerfusion)]
    [InlineData(0x8, 0, DeviceStatus.PulseSearch)]
    [InlineData(0x10, 0, DeviceStatus.Interference)]
    [InlineData(0x20, 0, DeviceStatus.SensorOff)]
    [InlineData(0x40, 0, DeviceStatus.Interference)]
    [InlineData(0x80, 0, DeviceStatus.UnrecognisedSensor)]
    [InlineData(0x400, 0, DeviceStatus.LowSignalQuality)]
    [InlineData(0x1000, 0, DeviceStatus.NoCable)]
    [InlineData(0, 0x40, DeviceStatus.LowBattery)]
    [InlineData(0, 0x20, DeviceStatus.AlarmSilenced)]
    [InlineData(0, 0x1F, DeviceStatus.None)]
    public void Each_documented_bit_maps_to_its_device_status(int exceptionBits, int alarmBits, DeviceStatus expected) =>
        Assert.Equal(expected, MasimoStatus.ToDeviceStatus(alarmBits, exceptionBits));

    [Fact]
    public void LF_only_lines_and_any_split_of_the_bytes_read_the_same()
    {
        var text = SampleLine1 + "\n" + SampleLine2 + "\r\n" + DashedLine + "\r\n";
        for (var seed = 0; seed < 50; seed++)
        {
            var (frames, rejections) = Read(text, new Random(seed));
            Assert.Equal(3, frames.Count);
            Assert.Empty(rejections);
        }
    }

    [Fact]
    public void Garbage_overlong_and_truncated_lines_are_counted_and_the_next_line_is_read()
    {
        var overlong = new string('A', 1000);
        var text =
            "\u0001\u00ff\u0013garbage\r\n" + SampleLine1 + "\r\n" +          // binary garbage line
            overlong + "\r\n" + SampleLine2 + "\r\n" +                        // overlong line
            SampleLine1[..40] + "\r\n" + DashedLine + "\r\n" +                // truncated line, then a good one
            SampleLine1.Replace("BPM=097 ", "", StringComparison.Ordinal) + "\r\n" + SampleLine1 + "\r\n"; // a required field missing
        var reader = new MasimoLineReader();
        var (frames, rejections) = ReaderDriver.Run<MasimoReading>(reader.TryReadFrame, Encoding.Latin1.GetBytes(text), new Random(7));
        Assert.Equal(4, frames.Count);
        Assert.Equal(
            [SerialRejectionReason.Garbage, SerialRejectionReason.OverlongLine, SerialRejectionReason.MalformedLine, SerialRejectionReason.MalformedLine],
            rejections);
        Assert.Equal(1, reader.Rejections[SerialRejectionReason.OverlongLine]);
        Assert.Equal(4, reader.Rejections.Total);
    }

    [Theory]
    [InlineData("SPO2=101%")]
    [InlineData("SPO2=98")]
    [InlineData("SPO2=0x1%")]
    [InlineData("BPM=1000")]
    [InlineData("BPM=-1")]
    [InlineData("PI=3.6.0%")]
    [InlineData("PI=.5%")]
    [InlineData("ALARM=XYZ")]
    [InlineData("EXC=123456789")]
    [InlineData("SPO2=098% SPO2=097%")]
    public void Malformed_values_reject_the_line(string replacement)
    {
        var fields = new Dictionary<string, string> { ["SPO2"] = "SPO2=098%", ["BPM"] = "BPM=097", ["PI"] = "PI=03.60%", ["ALARM"] = "ALARM=0000", ["EXC"] = "EXC=000800" };
        Assert.True(MasimoLineReader.TryParseLine(Encoding.ASCII.GetBytes("02/22/16 22:47:45 SN=1 " + string.Join(' ', fields.Values)), out _));
        fields[replacement.Split('=')[0]] = replacement;
        var text = "02/22/16 22:47:45 SN=1 " + string.Join(' ', fields.Values);
        Assert.False(MasimoLineReader.TryParseLine(Encoding.ASCII.GetBytes(text), out _), text);
    }

    [Theory]
    [InlineData("22:47:45 02/22/16 SPO2=098% BPM=097 PI=03.60% ALARM=0000 EXC=000800")]
    [InlineData("SPO2=098% BPM=097 PI=03.60% ALARM=0000 EXC=000800")]
    [InlineData("02/22/16 22:47:45 SPO2=098% BPM=097 PI=03.60% ALARM=0000 EXC=000800 JUNK")]
    public void Lines_without_the_documented_shape_are_rejected(string text) =>
        Assert.False(MasimoLineReader.TryParseLine(Encoding.ASCII.GetBytes(text), out _), text);

    [Fact]
    public void The_formatter_writes_lines_the_reader_reads_back()
    {
        var reading = new MasimoReading(95, 123, 1.25, MasimoStatus.AlarmLowBattery, MasimoStatus.ExceptionLowPerfusion);
        var line = MasimoLineFormatter.Format(new DateTime(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc), "0000000001", reading);
        var read = Assert.Single(Read(Encoding.ASCII.GetString(line)).Frames);
        Assert.Equal(reading, read);
        var missing = new MasimoReading(null, null, null, 0, MasimoStatus.ExceptionSensorOff);
        Assert.Equal(missing, Assert.Single(Read(Encoding.ASCII.GetString(MasimoLineFormatter.Format(default, "1", missing))).Frames));
    }
}
