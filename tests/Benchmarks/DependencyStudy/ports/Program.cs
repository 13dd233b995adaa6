using System.Diagnostics;
using System.IO.Ports;

// System.IO.Ports study on socat pseudo-terminal pairs. Every wait is bounded.
// Usage: dotnet run -c Release -- <hangup|close|idle-cpu>
var command = args.Length > 0 ? args[0] : "help";
Console.WriteLine($"# {command}  System.IO.Ports {typeof(SerialPort).Assembly.GetName().Version} ({Path.GetFileName(Path.GetDirectoryName(typeof(SerialPort).Assembly.Location))})  loadavg {Pty.LoadAverage()}");
switch (command)
{
    case "hangup":
        foreach (var after in args.Length > 1 ? args[1..] : ["nothing", "read", "write", "pending-read", "all"])
        {
            Study.Hangup(after);
        }

        break;
    case "close": Study.CloseTimings(); break;
    case "idle-cpu": Study.IdleCpu(); break;
    default: Console.WriteLine("commands: hangup close idle-cpu"); break;
}

Console.WriteLine($"# end loadavg {Pty.LoadAverage()}");
Environment.Exit(0); // a Close() that never returned must not keep the process alive

internal sealed class Pty : IDisposable
{
    private readonly Process _socat;

    public Pty()
    {
        Dir = Directory.CreateTempSubdirectory("ptystudy-").FullName;
        A = Path.Combine(Dir, "A");
        B = Path.Combine(Dir, "B");
        var psi = new ProcessStartInfo("/usr/bin/socat") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add("-d");
        psi.ArgumentList.Add("-d");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={A}");
        psi.ArgumentList.Add($"pty,raw,echo=0,link={B}");
        _socat = Process.Start(psi)!;
        _socat.ErrorDataReceived += (_, _) => { };
        _socat.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (!(File.Exists(A) && File.Exists(B)) && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(20);
        }

        if (!File.Exists(A) || !File.Exists(B))
        {
            throw new InvalidOperationException("socat did not create the links");
        }
    }

    public string Dir { get; }
    public string A { get; }
    public string B { get; }
    public int SocatPid => _socat.Id;

    public void KillSocat()
    {
        if (!_socat.HasExited)
        {
            _socat.Kill();
            _socat.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        KillSocat();
        _socat.Dispose();
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}

internal static class Study
{
    private static string Try(Func<object?> f)
    {
        try
        {
            return f()?.ToString() ?? "null";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static SerialPort Open(string path, int readTimeout = 2000, int writeTimeout = 2000)
    {
        var port = new SerialPort(path, 115200) { ReadTimeout = readTimeout, WriteTimeout = writeTimeout };
        port.Open();
        return port;
    }

    // ---------------------------------------------------------------- claim 9
    // after: what the program does after the far end went away, before Close():
    // "nothing", "read" (one Read with ReadTimeout 2000), "write" (one Write with WriteTimeout 2000),
    // "pending-read" (a Read with ReadTimeout 5000 was already waiting when the far end went away), "all" (read, ReadByte, ReadAsync, write)
    public static void Hangup(string after)
    {
        Console.WriteLine($"--- hangup (far end goes away: socat SIGKILL), then: {after}");
        using var pty = new Pty();
        var port = Open(pty.A);
        var errors = 0;
        var pins = 0;
        var data = 0;
        var eofs = 0;
        port.ErrorReceived += (_, e) => { Interlocked.Increment(ref errors); Console.WriteLine($"   ErrorReceived {e.EventType}"); };
        port.PinChanged += (_, e) => { Interlocked.Increment(ref pins); Console.WriteLine($"   PinChanged {e.EventType}"); };
        port.DataReceived += (_, e) =>
        {
            if (e.EventType == SerialData.Eof) Interlocked.Increment(ref eofs); else Interlocked.Increment(ref data);
        };
        using (var far = Open(pty.B))
        {
            far.Write("ping\n");
            var buffer = new byte[16];
            var n = port.Read(buffer, 0, buffer.Length);
            Thread.Sleep(100);
            Console.WriteLine($"sanity: A read {n} bytes written by B; DataReceived(Chars) events {data}");
            far.Close();
        }

        Task<string>? pending = null;
        long pendingEndedMs = -1;
        var pendingWatch = new Stopwatch();
        if (after == "pending-read")
        {
            port.ReadTimeout = 5000;
            pendingWatch.Start();
            pending = Task.Run(() =>
            {
                var b = new byte[16];
                var r = Try(() => port.Read(b, 0, b.Length));
                Interlocked.Exchange(ref pendingEndedMs, pendingWatch.ElapsedMilliseconds);
                return r;
            });
            Thread.Sleep(300);
        }

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        pty.KillSocat();
        Console.WriteLine($"socat killed at t=0 ({(pending is not null ? "Read pending since 300 ms" : "no I/O pending")}); link A still exists: {File.Exists(pty.A)}");
        for (var i = 0; i < 6; i++)
        {
            Thread.Sleep(500);
            Console.WriteLine($"t={wall.Elapsed.TotalSeconds:0.0}s IsOpen={port.IsOpen} BytesToRead={Try(() => port.BytesToRead)} BytesToWrite={Try(() => port.BytesToWrite)} CDHolding={Try(() => port.CDHolding)} events: Error={errors} Pin={pins} Data={data} Eof={eofs}{(pending is not null ? $" pendingRead={(pending.IsCompleted ? "ended at " + (Interlocked.Read(ref pendingEndedMs) - 300) + " ms after the kill: " + pending.Result : "still waiting")}" : "")}");
        }

        process.Refresh();
        Console.WriteLine($"CPU used by this process during those 3 s: {(process.TotalProcessorTime - cpuBefore).TotalMilliseconds:0} ms");
        if (pending is not null)
        {
            pending.Wait(TimeSpan.FromSeconds(10));
            Console.WriteLine($"pending Read: {(pending.IsCompleted ? pending.Result + $" ({Interlocked.Read(ref pendingEndedMs) - 300} ms after the kill)" : "still waiting after 10 s")}");
        }

        if (after is "read" or "all")
        {
            port.ReadTimeout = 2000;
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var sw = Stopwatch.StartNew();
                var readOutcome = Try(() => port.Read(new byte[16], 0, 16));
                Console.WriteLine($"Read #{attempt} after hangup (ReadTimeout 2000): {readOutcome} after {sw.ElapsedMilliseconds} ms; IsOpen={port.IsOpen}");
            }
        }

        if (after == "all")
        {
            var sw = Stopwatch.StartNew();
            Console.WriteLine($"ReadByte after hangup: {Try(() => port.ReadByte())} after {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            var asyncRead = Try(() =>
            {
                using var cts = new CancellationTokenSource(2000);
                return port.BaseStream.ReadAsync(new byte[16], cts.Token).AsTask().GetAwaiter().GetResult();
            });
            Console.WriteLine($"BaseStream.ReadAsync after hangup (2 s token): {asyncRead} after {sw.ElapsedMilliseconds} ms");
        }

        if (after is "write" or "all")
        {
            var sw = Stopwatch.StartNew();
            var writeOutcome = Try(() => { port.Write("hello"); return "wrote 5 bytes"; });
            Console.WriteLine($"Write after hangup (WriteTimeout 2000): {writeOutcome} after {sw.ElapsedMilliseconds} ms; IsOpen={port.IsOpen}");
        }

        Console.WriteLine($"events so far: Error={errors} Pin={pins} Data={data} Eof={eofs}");
        Console.WriteLine($"re-open of the same path while this port object is still open: {Try(() => { using var again = Open(pty.A); return "opened"; })}");
        Console.WriteLine($"Close after hangup: {TimeClose(port)}");
        Console.WriteLine($"re-open of the same path after that Close: {Try(() => { using var again = Open(pty.A); return "opened"; })}");
    }

    // ---------------------------------------------------------------- claim 10
    public static void CloseTimings()
    {
        for (var round = 1; round <= 3; round++)
        {
            // (a) normal: 16 bytes written, the far end reads them
            using (var pty = new Pty())
            {
                var port = Open(pty.A);
                using var far = Open(pty.B);
                port.Write(new byte[16], 0, 16);
                var got = 0;
                var sw0 = Stopwatch.StartNew();
                while (got < 16 && sw0.ElapsedMilliseconds < 2000)
                {
                    got += far.Read(new byte[16], 0, 16 - got);
                }

                Console.WriteLine($"round {round} (a) normal, 16 B written and read by far end: Close took {TimeClose(port)}");
            }

            // (a2) DataReceived handler registered, 16 B written and read
            using (var pty = new Pty())
            {
                var port = Open(pty.A);
                port.DataReceived += (_, _) => { };
                using var far = Open(pty.B);
                port.Write(new byte[16], 0, 16);
                far.Read(new byte[16], 0, 16);
                Console.WriteLine($"round {round} (a2) same with a DataReceived handler: Close took {TimeClose(port)}");
            }

            // (b) 4 KB written, far end open but never read
            using (var pty = new Pty())
            {
                var port = Open(pty.A);
                using var far = Open(pty.B);
                var sw = Stopwatch.StartNew();
                var w = Try(() => { port.Write(new byte[4096], 0, 4096); return "ok"; });
                Console.WriteLine($"round {round} (b) 4 KB written ({w} in {sw.ElapsedMilliseconds} ms), far end not read: Close took {TimeClose(port)}");
            }

            // (c) 1 MB written, far end open but never read: the write cannot finish (WriteTimeout 2000)
            using (var pty = new Pty())
            {
                var port = Open(pty.A);
                using var far = Open(pty.B);
                var sw = Stopwatch.StartNew();
                var w = Try(() => { port.Write(new byte[1 << 20], 0, 1 << 20); return "ok"; });
                Console.WriteLine($"round {round} (c) 1 MB write: {w} after {sw.ElapsedMilliseconds} ms; BytesToWrite={Try(() => port.BytesToWrite)}; Close took {TimeClose(port)}");
            }

            // (d) 1 MB written, far end (B) never opened at all
            using (var pty = new Pty())
            {
                var port = Open(pty.A);
                var sw = Stopwatch.StartNew();
                var w = Try(() => { port.Write(new byte[1 << 20], 0, 1 << 20); return "ok"; });
                Console.WriteLine($"round {round} (d) 1 MB write, far end never opened: {w} after {sw.ElapsedMilliseconds} ms; Close took {TimeClose(port)}");
            }
        }
    }

    private static string TimeClose(SerialPort port)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var close = Task.Run(() => Try(() => { port.Close(); return "closed"; }));
        var returned = close.Wait(TimeSpan.FromSeconds(10));
        process.Refresh();
        return returned
            ? $"{sw.Elapsed.TotalMilliseconds:0.0} ms ({close.Result})"
            : $"DID NOT RETURN within 10 s (CPU used by the process meanwhile {(process.TotalProcessorTime - cpu).TotalMilliseconds:0} ms; the call is left running)";
    }

    // ---------------------------------------------------------------- extra: cost of an idle open port
    public static void IdleCpu()
    {
        foreach (var handler in new[] { false, true })
        {
            using var pty = new Pty();
            using var port = Open(pty.A);
            if (handler)
            {
                port.DataReceived += (_, _) => { };
            }

            Thread.Sleep(500);
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            Thread.Sleep(5000);
            process.Refresh();
            Console.WriteLine($"open port, no traffic, DataReceived handler {(handler ? "registered" : "none")}: CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds:0} ms in 5 s");
        }

        // a pending Read with a long timeout and no traffic
        using (var pty = new Pty())
        using (var port = Open(pty.A, readTimeout: 5000))
        {
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var outcome = Try(() => port.Read(new byte[16], 0, 16));
            process.Refresh();
            Console.WriteLine($"blocking Read, no traffic, 5 s timeout: {outcome}; CPU {(process.TotalProcessorTime - cpu).TotalMilliseconds:0} ms");
        }
    }
}
