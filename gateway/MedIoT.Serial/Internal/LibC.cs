using System.Runtime.InteropServices;

namespace MedIoT.Serial.Internal;

/// <summary>
/// The few libc calls a serial port needs (POSIX termios, poll, read, write). Constants are Linux's generic values
/// (asm-generic/termbits.h, asm-generic/fcntl.h, asm-generic/errno-base.h), shared by x86-64 and arm64.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int OpenReadWrite = 0x2;              // O_RDWR
    public const int OpenNoControllingTerminal = 0x100; // O_NOCTTY: a device must never become our controlling terminal
    public const int OpenNonBlocking = 0x800;          // O_NONBLOCK: reads return EAGAIN instead of waiting; poll waits
    public const int OpenCloseOnExec = 0x80000;        // O_CLOEXEC: child processes do not inherit the port

    public const short PollIn = 0x1;
    public const short PollOut = 0x4;
    public const short PollError = 0x8;
    public const short PollHangUp = 0x10;
    public const short PollInvalid = 0x20;

    public const int ErrorInterrupted = 4;   // EINTR
    public const int ErrorIo = 5;            // EIO
    public const int ErrorNoDevice = 6;      // ENXIO
    public const int ErrorBadFile = 9;       // EBADF
    public const int ErrorTryAgain = 11;     // EAGAIN
    public const int ErrorNoSuchDevice = 19; // ENODEV

    public const int SetNow = 0; // TCSANOW

    // c_cflag bits (termios(3)).
    public const uint CharacterSizeMask = 0x30; // CSIZE
    public const uint CharacterSize7 = 0x20;    // CS7
    public const uint CharacterSize8 = 0x30;    // CS8
    public const uint TwoStopBits = 0x40;       // CSTOPB
    public const uint EnableReceiver = 0x80;    // CREAD
    public const uint ParityEnable = 0x100;     // PARENB
    public const uint ParityOdd = 0x200;        // PARODD
    public const uint LocalLine = 0x800;        // CLOCAL: ignore modem control lines
    public const uint HardwareFlowControl = 0x80000000; // CRTSCTS

    /// <summary>glibc's struct termios is 60 bytes; a larger buffer leaves room for any libc's layout.</summary>
    public const int TermiosBufferBytes = 256;

    /// <summary>Offset of c_cflag: after c_iflag and c_oflag, each a 32-bit tcflag_t.</summary>
    public const int ControlFlagsOffset = 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollDescriptor
    {
        public int FileDescriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fileDescriptor);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fileDescriptor, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fileDescriptor, byte* buffer, nint count);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "isatty", SetLastError = true)]
    public static partial int IsTerminal(int fileDescriptor);

    [LibraryImport(Library, EntryPoint = "ttyname")]
    public static partial nint TerminalName(int fileDescriptor);

    [LibraryImport(Library, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int GetAttributes(int fileDescriptor, byte* termios);

    [LibraryImport(Library, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int SetAttributes(int fileDescriptor, int when, byte* termios);

    [LibraryImport(Library, EntryPoint = "cfmakeraw")]
    public static partial void MakeRaw(byte* termios);

    [LibraryImport(Library, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int SetInputSpeed(byte* termios, uint speed);

    [LibraryImport(Library, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int SetOutputSpeed(byte* termios, uint speed);

    [LibraryImport(Library, EntryPoint = "cfgetispeed")]
    public static partial uint GetInputSpeed(byte* termios);

    [LibraryImport(Library, EntryPoint = "strerror")]
    private static partial nint StringError(int error);

    /// <summary>The termios speed constant (B9600...) of a baud rate.</summary>
    public static uint SpeedConstant(int baudRate) => baudRate switch
    {
        9600 => 0xD,        // B9600
        19_200 => 0xE,      // B19200
        38_400 => 0xF,      // B38400
        57_600 => 0x1001,   // B57600
        115_200 => 0x1002,  // B115200
        _ => throw new ArgumentOutOfRangeException(nameof(baudRate), baudRate, "Unsupported baud rate."),
    };

    /// <summary>The C library's message for an errno value, with its number.</summary>
    public static string Describe(int error)
    {
        var message = Marshal.PtrToStringUTF8(StringError(error));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{message ?? "unknown error"} (errno {error})");
    }
}
