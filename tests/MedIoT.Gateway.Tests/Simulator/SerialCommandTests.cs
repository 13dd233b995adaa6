using MedIoT.FirmwareSim;
using MedIoT.Protocol.Serial;
using MedIoT.Serial;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Simulator;

/// <summary>The <c>mediot-sim serial</c> command writing to a real socat pseudo-terminal.</summary>
public sealed class SerialCommandTests
{
    [Fact]
    public async Task The_serial_command_writes_Nonin_packets_with_the_requested_faults_to_a_pty()
    {
        using var folder = TemporaryDirectory.Create("sim-serial");
        await using var pair = await SocatPtyPair.StartAsync(folder.Path);
        await using var gateway = SerialPort.Open(pair.PathB, new SerialLineSettings());

        var exitCode = await SimulatorCommands.Create()
            .Parse(["serial", "--port", pair.PathA, "--protocol", "nonin", "--frames", "5", "--interval-ms", "10", "--truncate-every", "2", "--bad-checksum-every", "5"])
            .InvokeAsync();
        Assert.Equal(0, exitCode);

        // Readings 1 and 3 arrive whole; 2 and 4 are cut short (each noticed when the next packet starts); 5 is damaged.
        var reader = new NoninFrameReader();
        var readings = new List<NoninReading>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (readings.Count < 2 || reader.Rejections[SerialRejectionReason.BadChecksum] < 1)
        {
            var result = await gateway.Input.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            while (reader.TryReadFrame(ref buffer, out var reading, out var rejection) || rejection != SerialRejectionReason.None)
            {
                if (rejection == SerialRejectionReason.None)
                {
                    readings.Add(reading);
                }
            }

            gateway.Input.AdvanceTo(buffer.Start, buffer.End);
        }

        Assert.Equal(2, readings.Count);
        Assert.All(readings, r => Assert.InRange(r.OxygenSaturationPercent!.Value, 92, 100));
        Assert.Equal(2, reader.Rejections[SerialRejectionReason.TruncatedPacket]);
        Assert.Equal(1, reader.Rejections[SerialRejectionReason.BadChecksum]);
    }
}
