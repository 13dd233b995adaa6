using System.Runtime.CompilerServices;
using MedIoT.Serial.Internal;

namespace MedIoT.Serial.Tests.Ports;

/// <summary>
/// Every number the serial port passes to the C library, against the value the Linux headers give on x86-64 and on aarch64
/// (docs/arm64.md: Linux uapi asm-generic/fcntl.h, poll.h, errno-base.h, termbits.h, which both architectures use for these,
/// and glibc 2.36's bits/termios-struct.h, bits/termios-c_cflag.h, bits/termios-baud.h). LibC has one value for both; if an
/// architecture ever differs, the constant must be chosen by RuntimeInformation.ProcessArchitecture, as DurableFolder does.
/// </summary>
public sealed class LibCConstantsTests
{
    /// <summary>Name, the value LibC passes, the x86-64 value, the aarch64 value.</summary>
    public static TheoryData<string, long, long, long> Constants => new()
    {
        { "O_RDWR", LibC.OpenReadWrite, 0x2, 0x2 },
        { "O_NOCTTY", LibC.OpenNoControllingTerminal, 0x100, 0x100 },
        { "O_NONBLOCK", LibC.OpenNonBlocking, 0x800, 0x800 },
        { "O_CLOEXEC", LibC.OpenCloseOnExec, 0x80000, 0x80000 },
        { "POLLIN", LibC.PollIn, 0x1, 0x1 },
        { "POLLOUT", LibC.PollOut, 0x4, 0x4 },
        { "POLLERR", LibC.PollError, 0x8, 0x8 },
        { "POLLHUP", LibC.PollHangUp, 0x10, 0x10 },
        { "POLLNVAL", LibC.PollInvalid, 0x20, 0x20 },
        { "EINTR", LibC.ErrorInterrupted, 4, 4 },
        { "EIO", LibC.ErrorIo, 5, 5 },
        { "ENXIO", LibC.ErrorNoDevice, 6, 6 },
        { "EBADF", LibC.ErrorBadFile, 9, 9 },
        { "EAGAIN", LibC.ErrorTryAgain, 11, 11 },
        { "ENODEV", LibC.ErrorNoSuchDevice, 19, 19 },
        { "TCSANOW", LibC.SetNow, 0, 0 },
        { "CSIZE", LibC.CharacterSizeMask, 0x30, 0x30 },
        { "CS7", LibC.CharacterSize7, 0x20, 0x20 },
        { "CS8", LibC.CharacterSize8, 0x30, 0x30 },
        { "CSTOPB", LibC.TwoStopBits, 0x40, 0x40 },
        { "CREAD", LibC.EnableReceiver, 0x80, 0x80 },
        { "PARENB", LibC.ParityEnable, 0x100, 0x100 },
        { "PARODD", LibC.ParityOdd, 0x200, 0x200 },
        { "CLOCAL", LibC.LocalLine, 0x800, 0x800 },
        { "CRTSCTS", LibC.HardwareFlowControl, 0x80000000, 0x80000000 },
        { "offsetof(struct termios, c_cflag)", LibC.ControlFlagsOffset, 8, 8 },
        { "sizeof(struct pollfd)", Unsafe.SizeOf<LibC.PollDescriptor>(), 8, 8 },
    };

    /// <summary>Baud rate, the x86-64 speed_t constant, the aarch64 one (B9600 ... B115200).</summary>
    public static TheoryData<int, uint, uint> Speeds => new()
    {
        { 9600, 0xD, 0xD },
        { 19_200, 0xE, 0xE },
        { 38_400, 0xF, 0xF },
        { 57_600, 0x1001, 0x1001 },
        { 115_200, 0x1002, 0x1002 },
    };

    [Theory]
    [MemberData(nameof(Constants))]
    public void Each_constant_is_the_value_of_the_linux_headers_on_x64_and_on_arm64(string name, long value, long x64, long arm64)
    {
        Assert.True(value == x64, $"{name} is {value:X} in LibC, {x64:X} on x86-64");
        Assert.True(value == arm64, $"{name} is {value:X} in LibC, {arm64:X} on aarch64: choose it by the process architecture");
    }

    [Theory]
    [MemberData(nameof(Speeds))]
    public void Each_baud_rate_has_the_speed_constant_of_x64_and_arm64(int baudRate, uint x64, uint arm64)
    {
        var speed = LibC.SpeedConstant(baudRate);

        Assert.Equal((x64, arm64), (speed, speed));
    }

    [Fact]
    public void The_termios_buffer_holds_glibcs_struct_termios_of_60_bytes_on_both()
    {
        // glibc bits/termios-struct.h (the same file for x86-64 and aarch64): four 32-bit tcflag_t (16 bytes), c_line (1),
        // c_cc[NCCS = 32] (32), padding to 52, then c_ispeed and c_ospeed (32-bit speed_t): 60 bytes.
        Assert.InRange(LibC.TermiosBufferBytes, 60, 4096);
    }
}
