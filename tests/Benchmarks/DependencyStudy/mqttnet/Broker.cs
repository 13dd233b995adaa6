using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MqttStudy;

/// <summary>A private mosquitto child process on 127.0.0.1, logging everything (-v equivalent) to a file.</summary>
internal sealed class Broker : IDisposable
{
    private readonly Process _process;

    private Broker(Process process, string dir, int port, string log)
    {
        _process = process;
        Dir = dir;
        Port = port;
        LogPath = log;
    }

    public string Dir { get; }
    public int Port { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;

    public static Broker Start(params string[] extraLines) => Start(FreePort(), null, extraLines);

    public static Broker Start(int port, string? dir, params string[] extraLines)
    {
        dir ??= Directory.CreateTempSubdirectory("mqttstudy-").FullName;
        var log = Path.Combine(dir, "mosquitto.log");
        var conf = Path.Combine(dir, "mosquitto.conf");
        var lines = new List<string>
        {
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "user root",
            "persistence false",
            $"log_dest file {log}",
            "log_type all",
            "max_queued_messages 1000000",
            "max_queued_bytes 0",
        };
        lines.AddRange(extraLines);
        File.WriteAllLines(conf, lines);
        var psi = new ProcessStartInfo("/usr/sbin/mosquitto") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(conf);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("mosquitto did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return new Broker(process, dir, port, log);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("mosquitto not ready in 5 s");
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    public string[] LogLines() => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
