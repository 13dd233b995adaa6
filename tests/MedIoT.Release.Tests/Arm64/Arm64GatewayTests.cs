using System.Net;

namespace MedIoT.Release.Tests.Arm64;

/// <summary>
/// Issue 16, "an arm64 run in the test suite": the self-contained linux-arm64 gateway of the release, run by
/// qemu-aarch64-static against real mosquitto and InfluxDB, stores the simulator's signed frames, answers <c>/health</c>,
/// raises a desaturation alarm on MQTT, and stops cleanly on SIGTERM with its journal intact. One run
/// (<see cref="Arm64GatewayRun"/>) is shared: each test checks one part of its record.
/// </summary>
public sealed class Arm64GatewayTests(Arm64GatewayRun run) : IClassFixture<Arm64GatewayRun>
{
    /// <summary>ELF header (System V gABI, "ELF Header"): e_machine, a 16-bit little-endian field at offset 18.</summary>
    private const int ElfMachineOffset = 18;

    /// <summary>EM_AARCH64 (ELF for the Arm 64-bit Architecture, §5.4.1; include/uapi/linux/elf-em.h).</summary>
    private const ushort MachineAArch64 = 183;

    [Fact]
    public void It_ran_as_an_arm64_process_under_the_emulator()
    {
        // The process image is the emulator (an x86-64 program that runs only aarch64 code), and what it mapped is arm64's:
        // the C library of Debian's arm64 multiarch and the release's own CoreCLR, whose executable is an AArch64 ELF file.
        Assert.Equal(run.Emulator, run.ExecutableLink);
        Assert.Contains(run.MappedFiles, file => file.EndsWith("/aarch64-linux-gnu/libc.so.6", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(Arm64GatewayRun.GatewayFolder, "libcoreclr.so"), run.MappedFiles);
        Assert.DoesNotContain(run.MappedFiles, file => file.Contains("/x86_64-linux-gnu/", StringComparison.Ordinal));
        Span<byte> header = stackalloc byte[ElfMachineOffset + 2];
        using (var executable = File.OpenRead(QemuArm64.GatewayPath))
        {
            executable.ReadExactly(header);
        }

        Assert.Equal(MachineAArch64, BitConverter.ToUInt16(header[ElfMachineOffset..]));
    }

    [Fact]
    public void Health_answers_with_every_frame_accepted_and_stored()
    {
        var (status, body) = run.Health;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(run.Published.Frames, body.GetProperty("framesAccepted").GetInt64());
        Assert.Equal(0, body.GetProperty("framesRejected").GetInt64());
        Assert.Equal(run.Published.Readings, body.GetProperty("readingsStored").GetInt64());
    }

    [Fact]
    public void The_simulators_signed_frames_arrive_in_influxdb()
    {
        Assert.Equal(Arm64GatewayRun.Beds, run.ReadingsInInflux.Count);
        Assert.Equal(run.Published.Readings, run.ReadingsInInflux.Values.Sum());
        Assert.All(run.FramesByDevice.Keys, device => Assert.True(run.ReadingsInInflux[device] > 0, device));
    }

    [Fact]
    public void A_desaturation_raises_its_high_priority_alarm_on_mqtt()
    {
        var alarm = run.RaisedEvent.GetProperty("alarm");

        Assert.Equal("mediot.alarm-event/1", run.RaisedEvent.GetProperty("schema").GetString());
        Assert.Equal("gw-arm64", run.RaisedEvent.GetProperty("gatewayId").GetString());
        Assert.Equal("VitalBelowLimit", alarm.GetProperty("kind").GetString());
        Assert.Equal(150456, alarm.GetProperty("mdcCode").GetInt32());
        Assert.Equal("high", alarm.GetProperty("priority").GetString());
        Assert.Equal(("7A", "01"), (alarm.GetProperty("ward").GetString(), alarm.GetProperty("bed").GetString()));
        Assert.Equal("ward7a-bed01-spo2", alarm.GetProperty("deviceId").GetString());
    }

    [Fact]
    public void Sigterm_stops_it_with_exit_code_0_and_its_journal_holds_every_frame_once()
    {
        Assert.True(run.Stop.ExitCode == 0, $"exit code {run.Stop.ExitCode}; its output:\n{run.Stop.Output}");
        Assert.DoesNotContain(run.Stop.Output.Split('\n'), line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal));

        // Read back from disk by this process: every published frame exactly once, and the alarm's events.
        var (frames, alarmEvents) = run.Journal;
        Assert.Equal(run.Published.Frames, frames.Count);
        Assert.Equal(frames.Count, frames.Distinct().Count());
        Assert.Equal(run.FramesByDevice, frames.GroupBy(frame => frame.DeviceId).ToDictionary(group => group.Key, group => (long)group.Count()));
        Assert.True(alarmEvents >= 1, "no alarm event was journaled");

        // Reopened by the arm64 gateway itself: verified against its signed checkpoint and compared with InfluxDB.
        var (exitCode, output, error) = run.Audit;
        Assert.True(exitCode == 0, $"audit exit code {exitCode}:\n{output}\n{error}");
        Assert.Contains($"{run.Published.Readings} readings journaled in range; verified against the signed checkpoint {run.Published.Readings}", output,
            StringComparison.Ordinal);
        Assert.Contains("missing 0, altered 0, unexplained 0", output, StringComparison.Ordinal);
    }
}
