using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Serial;

namespace MedIoT.Serial.Tests.Protocol;

public sealed class NoninFrameReaderTests
{
    private static byte[] Packet(int? saturation, int? pulse, DeviceStatus status = DeviceStatus.None)
    {
        var bytes = new byte[NoninPacketEncoder.PacketLength];
        NoninPacketEncoder.Encode(saturation, pulse, NoninPacketEncoder.StatusBitsFor(status), bytes);
        return bytes;
    }

    private static (List<NoninReading> Frames, List<SerialRejectionReason> Rejections) Read(byte[] data, Random? random = null)
    {
        var reader = new NoninFrameReader();
        return ReaderDriver.Run<NoninReading>(reader.TryReadFrame, data, random);
    }

    [Fact]
    public void A_packet_built_by_hand_from_the_specification_reads_back()
    {
        // Data format 2, frame by frame: status (bit 7 set, SYNC on frame 1, green perfusion bit 1), pleth MSB/LSB,
        // byte 4 (frame 1: HR bits 8-7, frame 2: HR bits 6-0, frame 3: SpO2), checksum = sum of bytes 1-4 mod 256.
        // HR 300 = 0b10_0101100: MSB 0x02, LSB 0x2C. SpO2 97 = 0x61.
        var data = new List<byte>();
        for (var frame = 0; frame < 25; frame++)
        {
            byte status = (byte)(0x80 | 0x02 | (frame == 0 ? 0x01 : 0x00));
            byte plethHigh = 0x12, plethLow = (byte)(0x34 + frame);
            byte fourth = frame switch { 0 => 0x02, 1 => 0x2C, 2 => 0x61, 3 => 0x05, _ => 0x00 };
            data.AddRange([status, plethHigh, plethLow, fourth, (byte)(status + plethHigh + plethLow + fourth)]);
        }

        var reading = Assert.Single(Read([.. data]).Frames);
        Assert.Equal(97, reading.OxygenSaturationPercent);
        Assert.Equal(300, reading.PulseRatePerMinute);
        Assert.Equal(DeviceStatus.None, reading.Status);
    }

    [Fact]
    public void The_encoder_and_the_reader_agree_on_values_and_the_first_frame_checksum()
    {
        var packet = Packet(97, 72);
        Assert.Equal(0x83, packet[0]);                                // bit 7, green perfusion, SYNC
        Assert.True(NoninFrameReader.ChecksumHolds(packet.AsSpan(0, 5)));
        var reading = Assert.Single(Read(packet).Frames);
        Assert.Equal(new NoninReading(97, 72, DeviceStatus.None), reading);
    }

    [Fact]
    public void Missing_values_127_and_511_are_no_value_not_zero()
    {
        var reading = Assert.Single(Read(Packet(null, null)).Frames);
        Assert.Null(reading.OxygenSaturationPercent);
        Assert.Null(reading.PulseRatePerMinute);
    }

    [Theory]
    [InlineData(DeviceStatus.NoSensor)]
    [InlineData(DeviceStatus.LowSignalQuality)]
    [InlineData(DeviceStatus.PulseSearch)]
    [InlineData(DeviceStatus.DefectiveSensor)]
    [InlineData(DeviceStatus.LowPerfusion)]
    [InlineData(DeviceStatus.NoSensor | DeviceStatus.PulseSearch)]
    public void Status_bits_map_to_device_status(DeviceStatus status) =>
        Assert.Equal(status, Assert.Single(Read(Packet(90, 80, status)).Frames).Status);

    [Fact]
    public void A_stream_joined_mid_packet_waits_for_the_next_SYNC_frame_without_complaint()
    {
        var data = Packet(95, 60).Skip(7 * 5).Concat(Packet(96, 61)).ToArray();
        var (frames, rejections) = Read(data, new Random(3));
        Assert.Equal(96, Assert.Single(frames).OxygenSaturationPercent);
        Assert.Empty(rejections);
    }

    [Fact]
    public void A_bad_checksum_is_counted_once_drops_its_packet_and_the_next_packet_is_read()
    {
        var damaged = Packet(95, 60);
        damaged[10 * 5 + 4] ^= 0x5A;
        var data = Packet(94, 59).Concat(damaged).Concat(Packet(96, 61)).ToArray();
        var reader = new NoninFrameReader();
        var (frames, rejections) = ReaderDriver.Run<NoninReading>(reader.TryReadFrame, data, new Random(5));
        Assert.Equal([94, 96], frames.Select(f => f.OxygenSaturationPercent!.Value));
        Assert.Equal([SerialRejectionReason.BadChecksum], rejections);
        Assert.Equal(1, reader.Rejections[SerialRejectionReason.BadChecksum]);
    }

    [Fact]
    public void Garbage_between_packets_is_counted_once_and_the_next_packet_is_read()
    {
        var data = Packet(94, 59).Concat(new byte[] { 0x00, 0x11, 0x22, 0x33, 0x7F, 0x01 }).Concat(Packet(96, 61)).ToArray();
        var (frames, rejections) = Read(data, new Random(9));
        Assert.Equal([94, 96], frames.Select(f => f.OxygenSaturationPercent!.Value));
        Assert.Equal([SerialRejectionReason.Garbage], rejections);
    }

    [Fact]
    public void A_truncated_packet_is_counted_and_the_next_packet_is_read()
    {
        var data = Packet(94, 59).Take(12 * 5).Concat(Packet(96, 61)).ToArray();
        var (frames, rejections) = Read(data, new Random(11));
        Assert.Equal(96, Assert.Single(frames).OxygenSaturationPercent);
        Assert.Equal([SerialRejectionReason.TruncatedPacket], rejections);
    }

    [Fact]
    public void A_frame_cut_short_is_a_bad_checksum_and_the_stream_resynchronises()
    {
        // Three bytes of one frame lost on the line: the frames slide out of alignment until a checksum holds again.
        var damaged = Packet(95, 60).ToList();
        damaged.RemoveRange(6 * 5 + 1, 3);
        var data = Packet(94, 59).Concat(damaged).Concat(Packet(96, 61)).ToArray();
        var (frames, rejections) = Read(data, new Random(13));
        Assert.Equal([94, 96], frames.Select(f => f.OxygenSaturationPercent!.Value));
        Assert.Equal([SerialRejectionReason.BadChecksum], rejections);
    }

    [Fact]
    public void Out_of_range_values_in_a_valid_packet_are_rejected()
    {
        var packet = Packet(95, 60);
        packet[2 * 5 + 3] = 120; // SpO2 120: neither 0-100 nor the missing value 127
        packet[2 * 5 + 4] = (byte)(packet[10] + packet[11] + packet[12] + packet[13]);
        var (frames, rejections) = Read(packet);
        Assert.Empty(frames);
        Assert.Equal([SerialRejectionReason.InvalidPacket], rejections);
    }
}
