using System.IO.Pipelines;
using System.Runtime.InteropServices;
using MedIoT.Serial.Internal;

namespace MedIoT.Serial;

/// <summary>
/// A serial port on Linux, opened through termios in raw mode (cfmakeraw: no echo, no line editing, no character
/// translation, 8-bit clean). Bytes received are delivered through <see cref="Input"/>, a <see cref="PipeReader"/>
/// fed by a dedicated read thread that waits with <c>poll</c> and a short timeout, so disposal never hangs on a
/// silent line. A port that goes away (a pulled USB adapter: EIO, ENXIO, ENODEV or a hang-up; a pseudo-terminal
/// whose other side closed; a device node removed) completes <see cref="Input"/> without an exception and
/// completes <see cref="Disconnected"/> with the reason; the owner then disposes the port and opens it again when
/// the path comes back. A <c>/dev/serial/by-id/...</c> symlink is followed when opening.
/// </summary>
public sealed class SerialPort : IAsyncDisposable
{
    private const int PollTimeoutMilliseconds = 100;
    private const int PollsBetweenPathChecks = 5;
    private const int ReadChunkBytes = 4096;
    private static readonly TimeSpan s_writeTimeout = TimeSpan.FromSeconds(5);

    private readonly int _fileDescriptor;
    private readonly Pipe _pipe;
    private readonly TaskCompletionSource<string> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _readLoop;
    private volatile bool _stopping;
    private int _disposed;

    private SerialPort(string path, SerialLineSettings settings, int fileDescriptor, bool isPseudoTerminal)
    {
        Path = path;
        IsPseudoTerminal = isPseudoTerminal;
        Settings = settings;
        _fileDescriptor = fileDescriptor;
        // Bounded: when the consumer falls behind, the read thread stops reading and the kernel's buffer (then the
        // device's flow) holds the bytes, as a UART would.
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        _readLoop = Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The path the port was opened with.</summary>
    public string Path { get; }

    /// <summary>The line settings applied.</summary>
    public SerialLineSettings Settings { get; }

    /// <summary>
    /// Whether the port is a pseudo-terminal (/dev/pts/N, as made by socat for tests and simulators). Linux's pty
    /// driver always keeps 8 data bits and no parity (drivers/tty/pty.c, pty_set_termios), so on a pseudo-terminal
    /// only the baud rate of the applied settings can be read back.
    /// </summary>
    public bool IsPseudoTerminal { get; }

    /// <summary>The bytes received. Completes (without an exception) when the port is disconnected or disposed.</summary>
    public PipeReader Input => _pipe.Reader;

    /// <summary>Completes with a short reason when the port stops delivering bytes (disconnected, or disposed).</summary>
    public Task<string> Disconnected => _disconnected.Task;

    /// <summary>
    /// Opens <paramref name="path"/> (O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), checks it is a terminal, and applies
    /// raw mode and <paramref name="settings"/> with tcsetattr.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A line setting is not supported.</exception>
    /// <exception cref="IOException">The port cannot be opened or configured; the message names the path and the errno.</exception>
    public static SerialPort Open(string path, SerialLineSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("MedIoT serial ports use Linux termios.");
        }

        var descriptor = LibC.Open(path, LibC.OpenReadWrite | LibC.OpenNoControllingTerminal | LibC.OpenNonBlocking | LibC.OpenCloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open serial port '{path}': {LibC.Describe(Marshal.GetLastPInvokeError())}.");
        }

        bool isPseudoTerminal;
        try
        {
            if (LibC.IsTerminal(descriptor) != 1)
            {
                throw new IOException($"'{path}' is not a serial port (not a terminal device). Check the path in the settings.");
            }

            var name = Marshal.PtrToStringUTF8(LibC.TerminalName(descriptor)) ?? string.Empty;
            isPseudoTerminal = name.StartsWith("/dev/pts/", StringComparison.Ordinal);
            Configure(path, descriptor, settings, isPseudoTerminal);
        }
        catch
        {
            _ = LibC.Close(descriptor);
            throw;
        }

        return new SerialPort(path, settings, descriptor, isPseudoTerminal);
    }

    /// <summary>
    /// Writes all of <paramref name="data"/>. Completes synchronously in the common case; when the kernel's output
    /// buffer is full it waits (with poll) until there is room, up to 5 seconds.
    /// </summary>
    /// <exception cref="IOException">The port is disconnected, or the line did not drain within 5 seconds.</exception>
    /// <exception cref="ObjectDisposedException">The port was disposed.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WriteAll(data, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stops the read thread, completes <see cref="Input"/> and closes the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        await _readLoop.ConfigureAwait(false);
        _ = LibC.Close(_fileDescriptor);
        _writeLock.Dispose();
    }

    private static unsafe void Configure(string path, int descriptor, SerialLineSettings settings, bool isPseudoTerminal)
    {
        var termios = stackalloc byte[LibC.TermiosBufferBytes];
        new Span<byte>(termios, LibC.TermiosBufferBytes).Clear();
        if (LibC.GetAttributes(descriptor, termios) != 0)
        {
            throw new IOException($"Cannot read the line settings of '{path}' (tcgetattr): {LibC.Describe(Marshal.GetLastPInvokeError())}.");
        }

        LibC.MakeRaw(termios);
        var speed = LibC.SpeedConstant(settings.BaudRate);
        if (LibC.SetInputSpeed(termios, speed) != 0 || LibC.SetOutputSpeed(termios, speed) != 0)
        {
            throw new IOException($"Cannot set {settings.BaudRate} baud on '{path}': {LibC.Describe(Marshal.GetLastPInvokeError())}.");
        }

        ref var controlFlags = ref *(uint*)(termios + LibC.ControlFlagsOffset);
        controlFlags = ApplyControlFlags(controlFlags, settings);
        if (LibC.SetAttributes(descriptor, LibC.SetNow, termios) != 0)
        {
            throw new IOException($"Cannot apply {settings} to '{path}' (tcsetattr): {LibC.Describe(Marshal.GetLastPInvokeError())}.");
        }

        // tcsetattr succeeds when any one change took effect (POSIX): read back and compare what matters.
        var check = stackalloc byte[LibC.TermiosBufferBytes];
        if (LibC.GetAttributes(descriptor, check) != 0)
        {
            throw new IOException($"Cannot read back the line settings of '{path}': {LibC.Describe(Marshal.GetLastPInvokeError())}.");
        }

        var relevant = isPseudoTerminal ? 0u : LibC.CharacterSizeMask | LibC.TwoStopBits | LibC.ParityEnable | LibC.ParityOdd;
        var applied = *(uint*)(check + LibC.ControlFlagsOffset);
        if ((applied & relevant) != (controlFlags & relevant) || LibC.GetInputSpeed(check) != speed)
        {
            throw new IOException($"'{path}' did not accept the line settings {settings}. Check that the adapter supports them.");
        }
    }

    /// <summary>The c_cflag value for <paramref name="settings"/>, starting from what cfmakeraw left.</summary>
    internal static uint ApplyControlFlags(uint flags, SerialLineSettings settings)
    {
        flags &= ~(LibC.CharacterSizeMask | LibC.TwoStopBits | LibC.ParityEnable | LibC.ParityOdd | LibC.HardwareFlowControl);
        flags |= settings.DataBits == 7 ? LibC.CharacterSize7 : LibC.CharacterSize8;
        flags |= settings.StopBits == 2 ? LibC.TwoStopBits : 0;
        flags |= settings.Parity switch
        {
            SerialParity.Even => LibC.ParityEnable,
            SerialParity.Odd => LibC.ParityEnable | LibC.ParityOdd,
            _ => 0u,
        };
        return flags | LibC.EnableReceiver | LibC.LocalLine;
    }

    private unsafe void ReadLoop()
    {
        var writer = _pipe.Writer;
        var reason = "the port was closed";
        try
        {
            var descriptor = new LibC.PollDescriptor { FileDescriptor = _fileDescriptor, Events = LibC.PollIn };
            var idlePolls = 0;
            while (!_stopping)
            {
                descriptor.ReturnedEvents = 0;
                var ready = LibC.Poll(&descriptor, 1, PollTimeoutMilliseconds);
                if (ready < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == LibC.ErrorInterrupted)
                    {
                        continue;
                    }

                    reason = "poll failed: " + LibC.Describe(error);
                    break;
                }

                if (ready == 0)
                {
                    // A device node can vanish without a hang-up reaching an idle descriptor; check now and then.
                    if (++idlePolls % PollsBetweenPathChecks == 0 && !File.Exists(Path))
                    {
                        reason = "the device node disappeared";
                        break;
                    }

                    continue;
                }

                idlePolls = 0;
                if ((descriptor.ReturnedEvents & LibC.PollInvalid) != 0)
                {
                    reason = "the descriptor became invalid";
                    break;
                }

                // Read even when a hang-up is reported, so bytes that arrived before it are delivered first.
                var memory = writer.GetMemory(ReadChunkBytes);
                nint count;
                fixed (byte* buffer = memory.Span)
                {
                    count = LibC.Read(_fileDescriptor, buffer, memory.Length);
                }

                if (count > 0)
                {
                    writer.Advance((int)count);
                    var flush = writer.FlushAsync();
                    // On this dedicated thread, waiting for a slow consumer is the back-pressure we want.
                    var result = flush.IsCompleted ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                    if (result.IsCompleted)
                    {
                        break; // The consumer completed the reader: nobody listens any more.
                    }

                    continue;
                }

                if (count == 0)
                {
                    reason = "the line hung up (end of file)";
                    break;
                }

                var readError = Marshal.GetLastPInvokeError();
                if (readError is LibC.ErrorTryAgain or LibC.ErrorInterrupted)
                {
                    if ((descriptor.ReturnedEvents & (LibC.PollHangUp | LibC.PollError)) != 0)
                    {
                        reason = "the line hung up";
                        break;
                    }

                    continue;
                }

                reason = readError is LibC.ErrorIo or LibC.ErrorNoDevice or LibC.ErrorNoSuchDevice or LibC.ErrorBadFile
                    ? "the device went away: " + LibC.Describe(readError)
                    : "read failed: " + LibC.Describe(readError);
                break;
            }
        }
        finally
        {
            if (_stopping)
            {
                reason = "the port was closed";
            }

            writer.Complete();
            _disconnected.TrySetResult(reason);
        }
    }

    private unsafe void WriteAll(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var remaining = data.Span;
        var deadline = Environment.TickCount64 + (long)s_writeTimeout.TotalMilliseconds;
        while (!remaining.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            nint written;
            fixed (byte* buffer = remaining)
            {
                written = LibC.Write(_fileDescriptor, buffer, remaining.Length);
            }

            if (written > 0)
            {
                remaining = remaining[(int)written..];
                continue;
            }

            var error = written < 0 ? Marshal.GetLastPInvokeError() : LibC.ErrorTryAgain;
            if (error == LibC.ErrorInterrupted)
            {
                continue;
            }

            if (error != LibC.ErrorTryAgain)
            {
                throw new IOException($"Cannot write to serial port '{Path}': {LibC.Describe(error)}.");
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new IOException($"Serial port '{Path}' did not accept data for {s_writeTimeout.TotalSeconds:0} s (nobody is reading the line).");
            }

            var descriptor = new LibC.PollDescriptor { FileDescriptor = _fileDescriptor, Events = LibC.PollOut };
            _ = LibC.Poll(&descriptor, 1, PollTimeoutMilliseconds);
        }
    }
}
