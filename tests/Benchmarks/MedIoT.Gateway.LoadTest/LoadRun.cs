using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Http.Json;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Mqtt;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.LoadTest;

/// <summary>
/// One load run: real mosquitto and influxd, the built gateway as a child process (signatures verified, journal durable,
/// InfluxDB written), and N devices publishing pre-signed frames of four observations at QoS 1 at a set total rate.
/// Throughput is measured from the gateway's own <c>GET /health</c> between the end of the warm-up and the end of the run.
/// </summary>
internal static class LoadRun
{
    private static readonly int[] s_codes = [MdcCodes.OxygenSaturation, MdcCodes.PulseRateOximeter, MdcCodes.RespirationRate, MdcCodes.BodyTemperature];
    private static readonly string[] s_units = ["%", "/min", "/min", "Cel"];

    /// <summary>Environment variables with this prefix are passed, without it, to the gateway process only.</summary>
    public const string GatewayOnlyPrefix = "LOADTEST_GATEWAY_";

    public static async Task<LoadResult> RunAsync(LoadSettings settings, TextWriter progress)
    {
        using var folder = TemporaryDirectory.Create("ingest-load");
        await using var mosquitto = await MosquittoServer.StartAsync();
        await using var influx = await InfluxServer.StartAsync();
        // The shipped broker access control: every device and the gateway connect with their own accounts.
        var devices = WardProvisioner.Provision(folder.Combine("ward"), "7A", settings.Devices, serviceAccounts: [BrokerAccounts.Gateway]);
        await mosquitto.AddAccountsAsync(folder.Combine("ward", BrokerAccounts.PasswordFileName));
        var totalSeconds = settings.WarmupSeconds + settings.Seconds;
        var framesPerDevice = (int)Math.Ceiling((double)settings.FramesPerSecond * totalSeconds / settings.Devices);
        await progress.WriteLineAsync($"load: signing {framesPerDevice * settings.Devices} frames for {settings.Devices} devices...");
        var frameRate = (double)settings.FramesPerSecond / settings.Devices;
        var tokens = Sign(devices, framesPerDevice, new WardValues(settings.Devices, (int)Math.Round(settings.AlarmPeriodSeconds * frameRate)));

        var httpPort = FreeTcpPort.Next();
        // In every run, stations or not, so a run without stations differs from one with them only by the stations: https
        // as on a ward, and the stations' API token (a nurse's roles) in the local accounts file.
        using var certificate = TestCertificate.Create(TimeProvider.System);
        using var staff = StaffAccounts.Write(folder.Combine("accounts.json"), [(StationLoad.StaffId, [StationLoad.Role])]);
        var gatewaySettings = new Dictionary<string, string>
        {
            ["Gateway:GatewayId"] = "gw-load",
            ["Gateway:DeviceRegistryPath"] = folder.Combine("ward", WardProvisioner.RegistryFileName),
            ["Gateway:Mqtt:Port"] = mosquitto.Port.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Mqtt:PasswordFile"] = BrokerAccounts.ServicePasswordPath(folder.Combine("ward"), BrokerAccounts.Gateway),
            ["Gateway:Influx:Url"] = influx.BaseAddress.ToString(),
            ["Gateway:Influx:Database"] = "mediot_load",
            ["Gateway:Http:Url"] = $"https://127.0.0.1:{httpPort}",
            ["Gateway:Http:CertificatePath"] = certificate.CertificatePath,
            ["Gateway:Http:CertificateKeyPath"] = certificate.KeyPath,
            ["Gateway:Identity:KeyFile"] = folder.Combine("state", "identity", "gateway-key.jwk"),
            ["Gateway:Serial:StateFolder"] = folder.Combine("state", "serial"),
            ["Gateway:Journal:Folder"] = folder.Combine("state", "journal"),
            ["Gateway:Access:AccountsPath"] = staff.Path,
            ["Gateway:Access:KeysFolder"] = folder.Combine("state", "access-keys"),
            // The alert service runs as on a ward: the shipped rules evaluate every frame.
            ["Gateway:Alerts:RulesPath"] = Path.Combine(RepositoryLayout.Configs, "alert-rules.json"),
            ["Gateway:Alerts:OutboxFolder"] = folder.Combine("state", "alerts-outbox"),
            ["Logging:LogLevel:System.Net.Http"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        };
        if (settings.MemoryLogSeconds > 0)
        {
            gatewaySettings["Gateway:Journal:BacklogLogIntervalSeconds"] = settings.MemoryLogSeconds.ToString(CultureInfo.InvariantCulture);
            gatewaySettings["Logging:LogLevel:MedIoT.Gateway.Hosting.MemoryReportService"] = "Debug";
        }

        var environment = gatewaySettings.ToDictionary(s => "MEDIOT_" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

        // LOADTEST_GATEWAY_X=v sets X=v for the gateway alone (runtime or C library variables such as DOTNET_TieredPGO or
        // MALLOC_ARENA_MAX), so a comparison does not change the harness as well.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value ?? string.Empty)))
        {
            if (name.StartsWith(GatewayOnlyPrefix, StringComparison.Ordinal) && name.Length > GatewayOnlyPrefix.Length)
            {
                environment[name[GatewayOnlyPrefix.Length..]] = value;
            }
        }

        var gatewayAssembly = Path.Combine(RepositoryLayout.Root, "gateway", "MedIoT.Gateway", "bin", "Release", "net10.0", "MedIoT.Gateway.dll");
        // LOADTEST_EXECUTABLE runs a published gateway executable (for example a NativeAOT publish) instead of the Release build.
        var binary = Environment.GetEnvironmentVariable("LOADTEST_EXECUTABLE");
        await using var gateway = await ServerProcess.StartAsync("gateway", string.IsNullOrEmpty(binary) ? "dotnet" : binary,
            string.IsNullOrEmpty(binary) ? [gatewayAssembly] : [], "MQTT subscribed", TimeSpan.FromSeconds(60),
            folder.Path, environment);
        var address = new Uri($"https://127.0.0.1:{httpPort}/");
        using var http = Client(address, certificate);
        await WaitUntilAnsweringAsync(http, gateway);
        await using var stations = settings.Stations > 0
            ? await StationLoad.ConnectAsync(Client(address, certificate), staff.Bearer(StationLoad.StaffId), settings.Stations)
            : null;

        var clients = new List<MqttClient>();
        foreach (var device in devices)
        {
            var client = new MqttClient(new MqttClientOptions
            {
                TimeProvider = TimeProvider.System,
                Host = mosquitto.Host, Port = mosquitto.Port, ClientId = device.DeviceId, CleanSession = true, KeepAlive = TimeSpan.FromSeconds(60),
                Username = device.DeviceId, Password = SecretFile.Read(device.PasswordPath),
            });
            await client.ConnectAsync(CancellationToken.None);
            clients.Add(client);
        }

        await progress.WriteLineAsync($"load: {settings.Devices} devices at {settings.FramesPerSecond} frames/s for {settings.WarmupSeconds} + {settings.Seconds} s, {settings.Stations} stations");
        var published = new long[settings.Devices];
        var clock = Stopwatch.StartNew();
        var publishing = Enumerable.Range(0, settings.Devices).Select(d => PublishAsync(clients[d], DeviceTopic.ForFrames(devices[d].DeviceId), tokens[d],
            frameRate, clock, published, d)).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        var start = await HealthAsync(http);
        var startTime = clock.Elapsed;
        var startCpu = CpuSeconds(gateway.ProcessId);
        StationResult? stationResult = null;
        if (stations is null)
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.Seconds));
        }
        else
        {
            stationResult = await stations.MeasureAsync(TimeSpan.FromSeconds(settings.Seconds));
        }

        var end = await HealthAsync(http);
        var endTime = clock.Elapsed;
        var endCpu = CpuSeconds(gateway.ProcessId);
        var peak = PeakResidentBytes(gateway.ProcessId);
        await Task.WhenAll(publishing);
        var totalPublished = published.Sum();

        // Drain: everything published must be journaled and written.
        var drainClock = Stopwatch.StartNew();
        JsonElement health;
        do
        {
            await Task.Delay(100);
            health = await HealthAsync(http);
            if (drainClock.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"The gateway did not drain within 120 s: {health}");
            }
        }
        while (health.GetProperty("journalSize").GetInt64() < totalPublished || health.GetProperty("influxLagEntries").GetInt64() > 0);

        peak = Math.Max(peak, PeakResidentBytes(gateway.ProcessId));
        if (settings.MemoryLogSeconds > 0)
        {
            foreach (var line in gateway.RecentOutput.Split(Environment.NewLine).Where(l => l.Contains("Memory: ", StringComparison.Ordinal)))
            {
                await progress.WriteLineAsync("gateway " + line.Trim());
            }
        }
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        var seconds = (endTime - startTime).TotalSeconds;
        var journaled = end.GetProperty("journalSize").GetInt64() - start.GetProperty("journalSize").GetInt64();
        return new LoadResult(
            (double)totalPublished / clock.Elapsed.TotalSeconds,
            (end.GetProperty("journalSize").GetInt64() - start.GetProperty("journalSize").GetInt64()) / seconds,
            (end.GetProperty("readingsStored").GetInt64() - start.GetProperty("readingsStored").GetInt64()) / seconds,
            health.GetProperty("journalLatencyP50Milliseconds").GetDouble(),
            health.GetProperty("journalLatencyP99Milliseconds").GetDouble(),
            peak,
            totalPublished,
            health.GetProperty("journalSize").GetInt64(),
            drainClock.Elapsed.TotalSeconds,
            journaled > 0 ? (endCpu - startCpu) * 1000 * 1000 / journaled : double.NaN,
            stationResult);
    }

    /// <summary>Publishes one device's frames on schedule (frame k at k / rate seconds), never waiting for PUBACKs in line.</summary>
    private static async Task PublishAsync(MqttClient client, string topic, byte[][] tokens, double framesPerSecond, Stopwatch clock, long[] published, int device)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var pending = new List<Task>();
        var sent = 0;
        while (sent < tokens.Length)
        {
            await timer.WaitForNextTickAsync();
            var due = Math.Min(tokens.Length, (int)(clock.Elapsed.TotalSeconds * framesPerSecond));
            for (; sent < due; sent++)
            {
                pending.Add(client.PublishAsync(new MqttApplicationMessage(topic, tokens[sent], MqttQualityOfService.AtLeastOnce, retain: false), CancellationToken.None));
            }

            pending.RemoveAll(t => t.IsCompletedSuccessfully);
        }

        await Task.WhenAll(pending);
        Interlocked.Exchange(ref published[device], tokens.Length);
    }

    private static byte[][][] Sign(IReadOnlyList<ProvisionedDevice> devices, int framesPerDevice, WardValues values)
    {
        var tokens = new byte[devices.Count][][];
        var baseTime = 1_795_000_000_000_000_000L;
        Parallel.For(0, devices.Count, d =>
        {
            using var key = PrivateKeyFile.Read(devices[d].PrivateKeyPath);
            var random = new Random(d);
            tokens[d] = new byte[framesPerDevice][];
            for (var i = 0; i < framesPerDevice; i++)
            {
                var time = baseTime + (i * 1_000_000L) + d;
                var observations = s_codes.Select((code, c) => new Observation(code, values.Value(c, i, d, random), s_units[c], time)).ToArray();
                tokens[d][i] = JwsFrameEncoder.Encode(new DeviceFrame(devices[d].DeviceId, i + 1, observations), key);
            }
        });
        return tokens;
    }

    /// <summary>A client of the gateway at <paramref name="address"/> that trusts its certificate only (pinned).</summary>
    private static HttpClient Client(Uri address, TestCertificate certificate) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.Certificate.Thumbprint,
        },
    })
    {
        BaseAddress = address,
    };

    /// <summary>The https surface may start listening after the MQTT subscription the start waited for: polls <c>/health</c>, bounded.</summary>
    private static async Task WaitUntilAnsweringAsync(HttpClient http, ServerProcess gateway)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await HealthAsync(http);
                return;
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30) && !gateway.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<JsonElement> HealthAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>(new Uri("health", UriKind.Relative));

    /// <summary>
    /// The CPU time the process used so far (user and system, fields 14 and 15 of /proc/PID/stat, in clock ticks of
    /// 1/100 s: proc(5)), in seconds. What the gateway costs per frame, whatever else the machine is running.
    /// </summary>
    private static double CpuSeconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        const int ClockTicksPerSecond = 100;
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / (double)ClockTicksPerSecond;
    }

    /// <summary>VmHWM of /proc/PID/status: the process's peak resident set size.</summary>
    private static long PeakResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
