using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using MedIoT.Testing;

namespace MedIoT.Serial.Tests.Ports;

/// <summary>The termios serial port over real pseudo-terminal pairs made by socat.</summary>
public sealed class SerialPortTests : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("serial");
    private SocatPtyPair _pair = null!;

    public async Task InitializeAsync() => _pair = await SocatPtyPair.StartAsync(_folder.Path);

    public async Task DisposeAsync()
    {
        await _pair.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fails after the timeout.</summary>
    private static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        var received = new List<byte>();
        while (received.Count < count)
        {
            var result = await input.ReadAsync(timeout.Token);
            var take = (int)Math.Min(result.Buffer.Length, count - received.Count);
            received.AddRange(result.Buffer.Slice(0, take).ToArray());
            input.AdvanceTo(result.Buffer.GetPosition(take));
            if (result.IsCompleted && received.Count < count)
            {
                throw new InvalidOperationException($"The port completed after {received.Count} of {count} bytes.");
            }
        }

        return [.. received];
    }

    public static TheoryData<int, int, SerialParity, int> LineSettings => new()
    {
        { 9600, 8, SerialParity.None, 1 },
        { 19_200, 7, SerialParity.Even, 1 },
        { 38_400, 8, SerialParity.Odd, 2 },
        { 57_600, 7, SerialParity.None, 2 },
        { 115_200, 8, SerialParity.Even, 1 },
    };

    [Theory]
    [MemberData(nameof(LineSettings))]
    public async Task Bytes_cross_the_line_both_ways_with_every_supported_line_setting(int baud, int dataBits, SerialParity parity, int stopBits)
    {
        var settings = new SerialLineSettings { BaudRate = baud, DataBits = dataBits, Parity = parity, StopBits = stopBits };
        await using var device = SerialPort.Open(_pair.PathA, settings);
        await using var gateway = SerialPort.Open(_pair.PathB, settings);
        Assert.Equal(settings, gateway.Settings);
        Assert.True(gateway.IsPseudoTerminal); // so only the speed was read back (see IsPseudoTerminal)

        // Every byte value, including CR, LF, XON/XOFF and 0x00: raw mode must not translate or swallow any.
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await device.WriteAsync(all);
        Assert.Equal(all, await ReadExactlyAsync(gateway.Input, all.Length));

        await gateway.WriteAsync("ping\r\n"u8.ToArray());
        Assert.Equal("ping\r\n"u8.ToArray(), await ReadExactlyAsync(device.Input, 6));
    }

    [Fact]
    public async Task A_large_transfer_arrives_complete_and_in_order()
    {
        await using var device = SerialPort.Open(_pair.PathA, new SerialLineSettings { BaudRate = 115_200 });
        await using var gateway = SerialPort.Open(_pair.PathB, new SerialLineSettings { BaudRate = 115_200 });
        var data = new byte[200_000];
        new Random(1).NextBytes(data);
        var reading = ReadExactlyAsync(gateway.Input, data.Length);
        for (var offset = 0; offset < data.Length; offset += 1000)
        {
            await device.WriteAsync(data.AsMemory(offset, 1000));
        }

        Assert.Equal(data, await reading);
    }

    [Fact]
    public async Task A_pulled_cable_completes_the_input_cleanly_with_a_reason_and_the_port_reopens_when_it_is_back()
    {
        var gateway = SerialPort.Open(_pair.PathB, new SerialLineSettings());
        var device = SerialPort.Open(_pair.PathA, new SerialLineSettings());
        await device.WriteAsync("before\n"u8.ToArray());
        Assert.Equal("before\n"u8.ToArray(), await ReadExactlyAsync(gateway.Input, 7));

        await _pair.KillAsync();
        var reason = await gateway.Disconnected.WaitAsync(s_timeout);
        Assert.Matches("hung up|went away|disappeared", reason);
        var final = await gateway.Input.ReadAsync().AsTask().WaitAsync(s_timeout); // completes, never throws
        Assert.True(final.IsCompleted);
        gateway.Input.AdvanceTo(final.Buffer.End);
        await gateway.DisposeAsync();
        await device.DisposeAsync();

        Assert.Throws<IOException>(() => SerialPort.Open(_pair.PathB, new SerialLineSettings()));

        await _pair.StartAgainAsync();
        await using var reopened = SerialPort.Open(_pair.PathB, new SerialLineSettings());
        await using var replugged = SerialPort.Open(_pair.PathA, new SerialLineSettings());
        await replugged.WriteAsync("after\n"u8.ToArray());
        Assert.Equal("after\n"u8.ToArray(), await ReadExactlyAsync(reopened.Input, 6));
    }

    [Fact]
    public async Task A_removed_device_link_counts_as_a_disconnection_even_without_a_hang_up()
    {
        // As when udev removes /dev/serial/by-id/... for an adapter that went away while the line was idle.
        await using var gateway = SerialPort.Open(_pair.PathB, new SerialLineSettings());
        File.Delete(_pair.PathB);
        Assert.Equal("the device node disappeared", await gateway.Disconnected.WaitAsync(s_timeout));
        var final = await gateway.Input.ReadAsync().AsTask().WaitAsync(s_timeout);
        Assert.True(final.IsCompleted);
    }

    [Fact]
    public async Task Disposing_an_idle_port_returns_promptly_and_completes_the_input()
    {
        var gateway = SerialPort.Open(_pair.PathB, new SerialLineSettings());
        var pending = gateway.Input.ReadAsync().AsTask();
        var stopwatch = Stopwatch.StartNew();
        await gateway.DisposeAsync().AsTask().WaitAsync(s_timeout);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {stopwatch.Elapsed}");
        Assert.True((await pending.WaitAsync(s_timeout)).IsCompleted);
        Assert.Equal("the port was closed", await gateway.Disconnected);
    }

    [Fact]
    public void Opening_a_missing_path_fails_with_the_path_and_the_errno()
    {
        var missing = _folder.Combine("no-such-port");
        var error = Assert.Throws<IOException>(() => SerialPort.Open(missing, new SerialLineSettings()));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_a_file_that_is_not_a_terminal_fails_clearly()
    {
        var file = _folder.Combine("not-a-port");
        File.WriteAllText(file, "x");
        var error = Assert.Throws<IOException>(() => SerialPort.Open(file, new SerialLineSettings()));
        Assert.Contains("not a serial port", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4800, 8, 1)]
    [InlineData(9600, 6, 1)]
    [InlineData(9600, 8, 3)]
    public void Unsupported_line_settings_are_refused_before_opening(int baud, int dataBits, int stopBits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SerialPort.Open(_pair.PathB, new SerialLineSettings { BaudRate = baud, DataBits = dataBits, StopBits = stopBits }));

    [Fact]
    public void The_control_flags_encode_data_bits_parity_and_stop_bits_as_termios_expects()
    {
        // termios(3): CS7 0x20, CS8 0x30, CSTOPB 0x40, CREAD 0x80, PARENB 0x100, PARODD 0x200, CLOCAL 0x800.
        Assert.Equal(0x30u | 0x80 | 0x800, SerialPort.ApplyControlFlags(0x80000000 | 0x40, new SerialLineSettings()));
        Assert.Equal(0x20u | 0x100 | 0x80 | 0x800, SerialPort.ApplyControlFlags(0, new SerialLineSettings { DataBits = 7, Parity = SerialParity.Even }));
        Assert.Equal(0x30u | 0x40 | 0x300 | 0x80 | 0x800, SerialPort.ApplyControlFlags(0, new SerialLineSettings { StopBits = 2, Parity = SerialParity.Odd }));
    }
}
