using System.Buffers;
using System.Text;
using MedIoT.Alerts;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Tests.Storage.Influx;

public sealed class LineProtocolTests
{
    [Fact]
    public void A_frame_becomes_one_point_per_observation_with_sorted_tags_and_nanosecond_time()
    {
        using var key = Ed25519PrivateKey.Generate();
        var device = new RegisteredDevice("ward7a-bed03-spo2", "pulse-oximeter", BedLocation.Parse("7A", "03"), key.PublicKey, false);
        var frame = new DeviceFrame(device.DeviceId, 42,
        [
            new Observation(MdcCodes.OxygenSaturation, 97, "%", 1_795_000_000_123_456_789),
            new Observation(MdcCodes.PulseRateOximeter, 72.5, "/min", 1_795_000_000_123_456_789),
        ]);
        var output = new ArrayBufferWriter<byte>();

        var count = VitalSignPoints.Write(output, "vitals", new VerifiedFrame(device, frame), journalIndex: 17);

        Assert.Equal(2, count);
        Assert.Equal(
            "vitals,bed=03,code=150456,device=ward7a-bed03-spo2,ward=7A value=97,seq=42i,journal=17i,unit=\"%\" 1795000000123456789\n" +
            "vitals,bed=03,code=149530,device=ward7a-bed03-spo2,ward=7A value=72.5,seq=42i,journal=17i,unit=\"/min\" 1795000000123456789\n",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Special_characters_are_escaped_per_element()
    {
        var output = new ArrayBufferWriter<byte>();

        LineProtocol.WriteMeasurement(output, "my vitals,x=1");
        LineProtocol.WriteTag(output, "ward name", "7 A,=b");
        LineProtocol.WriteStringField(output, "note", "say \"hi\" \\ ok", first: true);
        LineProtocol.WriteIntegerField(output, "n", -5, first: false);
        LineProtocol.WriteTimestampAndEndLine(output, 0);

        Assert.Equal("my\\ vitals\\,x=1,ward\\ name=7\\ A\\,\\=b note=\"say \\\"hi\\\" \\\\ ok\",n=-5i 0\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Names_without_special_characters_are_written_as_UTF8_and_escaped_ones_alike()
    {
        var output = new ArrayBufferWriter<byte>();

        // The first names need no escaping (the whole-string path), the second ones do (rune by rune); both are UTF-8.
        LineProtocol.WriteMeasurement(output, "Vitalwerte");
        LineProtocol.WriteTag(output, "station", "Süd-Ost");
        LineProtocol.WriteTag(output, "code", -150456);
        LineProtocol.WriteTag(output, "ward", "Süd Ost");
        LineProtocol.WriteStringField(output, "unit", "µmol/L", first: true);
        LineProtocol.WriteStringField(output, "note", "\"µ\"", first: false);
        LineProtocol.WriteTimestampAndEndLine(output, 1);

        Assert.Equal("Vitalwerte,station=Süd-Ost,code=-150456,ward=Süd\\ Ost unit=\"µmol/L\",note=\"\\\"µ\\\"\" 1\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(36.6, "36.6")]
    [InlineData(-40, "-40")]
    [InlineData(1e21, "1E+21")]
    public void Floats_are_written_in_shortest_round_trip_form(double value, string expected)
    {
        var output = new ArrayBufferWriter<byte>();

        LineProtocol.WriteFloatField(output, "value", value, first: true);

        Assert.Equal(" value=" + expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Values_line_protocol_cannot_carry_are_refused()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentOutOfRangeException>(() => LineProtocol.WriteFloatField(output, "value", double.NaN, first: true));
        Assert.Throws<ArgumentException>(() => LineProtocol.WriteTag(output, "bed", string.Empty));
        Assert.Throws<ArgumentException>(() => LineProtocol.WriteMeasurement(output, "a\nb"));
    }
}
