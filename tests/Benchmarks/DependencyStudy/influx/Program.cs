using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;

// InfluxDB.Client 5.1.0 study against a private InfluxDB 1.6.7 and a private VictoriaMetrics, both on 127.0.0.1.
// Usage: dotnet run -c Release -- <api|influx16|victoria>
var command = args.Length > 0 ? args[0] : "help";
Console.WriteLine($"# {command}  InfluxDB.Client {typeof(InfluxDBClient).Assembly.GetName().Version}  loadavg {Servers.LoadAverage()}");
switch (command)
{
    case "api": Study.Api(); break;
    case "influx16": await Study.Influx16Async(); break;
    case "victoria": await Study.VictoriaAsync(); break;
    case "shim": await Study.ShimAsync(); break;
    default: Console.WriteLine("commands: api influx16 victoria"); break;
}

Console.WriteLine($"# end loadavg {Servers.LoadAverage()}");

internal sealed class Servers : IDisposable
{
    private readonly Process _process;

    private Servers(Process process, int port, string dir)
    {
        _process = process;
        Port = port;
        Dir = dir;
    }

    public int Port { get; }
    public string Dir { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<Servers> StartInfluxAsync()
    {
        var dir = Directory.CreateTempSubdirectory("influxstudy-").FullName;
        var port = FreePort();
        var rpc = FreePort();
        var conf = Path.Combine(dir, "influxdb.conf");
        System.IO.File.WriteAllText(conf, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpc}"
            [meta]
              dir = "{dir}/meta"
            [data]
              dir = "{dir}/data"
              wal-dir = "{dir}/wal"
            [http]
              bind-address = "127.0.0.1:{port}"
              log-enabled = false
            """);
        var psi = new ProcessStartInfo("/usr/bin/influxd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-config");
        psi.ArgumentList.Add(conf);
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.OutputDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        var s = new Servers(p, port, dir);
        await s.WaitReadyAsync("/ping", HttpStatusCode.NoContent);
        Console.WriteLine($"influxd 1.6.7 pid {p.Id} on {s.Url}");
        return s;
    }

    public static async Task<Servers> StartVictoriaAsync()
    {
        var dir = Directory.CreateTempSubdirectory("vmstudy-").FullName;
        var port = FreePort();
        var psi = new ProcessStartInfo("/usr/bin/victoria-metrics") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { $"-httpListenAddr=127.0.0.1:{port}", $"-storageDataPath={dir}/data", "-loggerLevel=ERROR" })
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.OutputDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        var s = new Servers(p, port, dir);
        await s.WaitReadyAsync("/health", HttpStatusCode.OK);
        Console.WriteLine($"victoria-metrics pid {p.Id} on {s.Url}");
        return s;
    }

    private async Task WaitReadyAsync(string path, HttpStatusCode expected)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                using var r = await http.GetAsync(Url + path);
                if (r.StatusCode == expected)
                {
                    return;
                }
            }
            catch (Exception)
            {
            }

            await Task.Delay(100);
        }

        _process.Kill();
        throw new InvalidOperationException($"server not ready on {Url}{path}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static string LoadAverage() => System.IO.File.ReadAllText("/proc/loadavg").Trim();
}

internal static class Study
{
    // A made-up reading with a patient identifier and vital-sign values, to see where values end up.
    private const string GoodLine = "vitals,patient=MRN-4711,bed=07 spo2=93,hr=131i";

    private static string Describe(Exception e)
    {
        var status = e.GetType().GetProperty("Status")?.GetValue(e);
        var s = $"{e.GetType().FullName} (Status={status}): Message=\"{e.Message}\"";
        if (e.InnerException is { } i)
        {
            s += $" [inner {i.GetType().FullName}: \"{i.Message}\"]";
        }

        return s;
    }

    private static async Task<string> TryAsync(Func<Task<string>> f)
    {
        try
        {
            return await f();
        }
        catch (Exception e)
        {
            return "EXCEPTION " + Describe(e);
        }
    }

    // ---------------------------------------------------------------- claim 13 (API surface)
    public static void Api()
    {
        var asm = typeof(InfluxDBClient).Assembly;
        var types = asm.GetExportedTypes();
        var influxQl = types.Where(t => t.Name.Contains("InfluxQL", StringComparison.OrdinalIgnoreCase)).Select(t => t.FullName).ToList();
        var members = types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.Contains("InfluxQL", StringComparison.OrdinalIgnoreCase) || m.GetParameters().Any(p => p.Name?.Contains("influxql", StringComparison.OrdinalIgnoreCase) == true))
            .Select(m => $"{t.Name}.{m.Name}")).ToList();
        Console.WriteLine($"exported types: {types.Length}; types named *InfluxQL*: [{string.Join(", ", influxQl)}]; methods named *InfluxQL*: [{string.Join(", ", members)}]");
        var getApis = typeof(InfluxDBClient).GetMethods().Where(m => m.Name.StartsWith("Get", StringComparison.Ordinal) && m.Name.EndsWith("Api", StringComparison.Ordinal) || m.Name.Contains("Api", StringComparison.Ordinal) && m.Name.StartsWith("Get", StringComparison.Ordinal)).Select(m => m.Name).Distinct().OrderBy(n => n);
        Console.WriteLine($"InfluxDBClient.Get*Api: {string.Join(", ", getApis)}");
        var queryMethods = typeof(QueryApi).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name).Distinct();
        Console.WriteLine($"QueryApi methods: {string.Join(", ", queryMethods)}");
        var queryType = typeof(Query).GetProperty("Type")!.PropertyType;
        var enumType = Nullable.GetUnderlyingType(queryType) ?? queryType;
        Console.WriteLine($"Query.Type values (the query language a Query carries): {string.Join(", ", Enum.GetNames(enumType))}");
        var paths = new HashSet<string>();
        foreach (var t in types.Where(t => t.Namespace == "InfluxDB.Client.Api.Service"))
        {
            foreach (var f in t.GetMethods().Where(m => m.Name.Contains("Query", StringComparison.Ordinal)))
            {
                paths.Add(t.Name + "." + f.Name);
            }
        }

        Console.WriteLine($"generated service methods with 'Query' in the name: {string.Join(", ", paths.OrderBy(p => p).Take(30))}");
        var refs = asm.GetReferencedAssemblies().Select(r => r.Name).OrderBy(n => n);
        Console.WriteLine($"InfluxDB.Client references: {string.Join(", ", refs)}");
        var timeProvider = types.SelectMany(t => t.GetMembers()).Count(m => m is MethodBase mb && mb.GetParameters().Any(p => p.ParameterType == typeof(TimeProvider)) || m is PropertyInfo p && p.PropertyType == typeof(TimeProvider));
        Console.WriteLine($"public members taking/exposing System.TimeProvider: {timeProvider}");
        var options = typeof(InfluxDBClientOptions).GetProperties().Select(p => p.Name).OrderBy(n => n);
        Console.WriteLine($"InfluxDBClientOptions properties: {string.Join(", ", options)}");
        var writeOptions = new WriteOptions();
        Console.WriteLine($"WriteOptions defaults: " + string.Join(", ", typeof(WriteOptions).GetProperties().Select(p => $"{p.Name}={p.GetValue(writeOptions)}")));
    }

    // ---------------------------------------------------------------- claim 12 (and 13, 14 on 1.6.7)
    public static async Task Influx16Async()
    {
        using var server = await Servers.StartInfluxAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using (var r = await http.PostAsync(server.Url + "/query?q=" + Uri.EscapeDataString("CREATE DATABASE ward"), null))
        {
            Console.WriteLine($"raw POST /query CREATE DATABASE ward -> {(int)r.StatusCode}");
        }

        using (var r = await http.PostAsync(server.Url + "/write?db=ward", new StringContent(GoodLine)))
        {
            Console.WriteLine($"raw POST /write?db=ward (1.x API, what our gateway uses for 1.x) -> {(int)r.StatusCode}");
        }

        using (var r = await http.PostAsync(server.Url + "/write?db=ward", new StringContent("vitals,patient=MRN-4711,bed=07 spo2=\"ninety-three\"")))
        {
            Console.WriteLine($"raw POST /write, field type conflict (string into a float field) -> {(int)r.StatusCode} body {await r.Content.ReadAsStringAsync()}");
        }

        using (var r = await http.PostAsync(server.Url + "/write?db=ward", new StringContent("vitals,patient=MRN-4711,bed=07 spo2=93 notatime")))
        {
            Console.WriteLine($"raw POST /write, malformed line -> {(int)r.StatusCode} body {await r.Content.ReadAsStringAsync()}");
        }

        using (var r = await http.PostAsync(server.Url + "/api/v2/write?bucket=ward", new StringContent(GoodLine)))
        {
            Console.WriteLine($"raw POST /api/v2/write?bucket=ward -> {(int)r.StatusCode} body '{(await r.Content.ReadAsStringAsync()).Trim()}'");
        }

        // The client: token "user:password" and bucket "db/rp" are the documented 1.8 compatibility conventions.
        using var client = new InfluxDBClient(server.Url, "user:password");
        var write = client.GetWriteApiAsync();
        Console.WriteLine("WriteApiAsync.WriteRecordAsync(line, Ns, \"ward/autogen\", \"-\"): " + await TryAsync(async () =>
        {
            await write.WriteRecordAsync(GoodLine, WritePrecision.Ns, "ward/autogen", "-");
            return "completed";
        }));
        Console.WriteLine("WriteApiAsync.WritePointAsync(point, \"ward\", \"-\"): " + await TryAsync(async () =>
        {
            await write.WritePointAsync(PointData.Measurement("vitals").Tag("patient", "MRN-4711").Field("spo2", 93.0), "ward", "-");
            return "completed";
        }));
        var query = client.GetQueryApi();
        Console.WriteLine("QueryApi.QueryAsync(flux): " + await TryAsync(async () =>
        {
            var tables = await query.QueryAsync("from(bucket: \"ward/autogen\") |> range(start: -1h)", "-");
            return $"{tables.Count} tables";
        }));
        Console.WriteLine("QueryApi.QueryRawAsync(flux): " + await TryAsync(async () => (await query.QueryRawAsync("from(bucket: \"ward/autogen\") |> range(start: -1h)", org: "-")).Length + " chars"));
        Console.WriteLine("InfluxDBClient.PingAsync(): " + await TryAsync(async () => (await client.PingAsync()).ToString()));
        Console.WriteLine("InfluxDBClient.VersionAsync(): " + await TryAsync(async () => await client.VersionAsync()));
        Console.WriteLine("InfluxDBClient.HealthAsync(): " + await TryAsync(async () => (await client.HealthAsync()).Status.ToString()));

        // The batching WriteApi: errors go to an event, the caller's call returns at once.
        var events = new List<string>();
        using (var batching = client.GetWriteApi(WriteOptions.CreateNew().BatchSize(10).FlushInterval(200).MaxRetries(2).RetryInterval(100).MaxRetryDelay(500).Build()))
        {
            batching.EventHandler += (_, e) =>
            {
                lock (events)
                {
                    events.Add(e switch
                    {
                        WriteErrorEvent w => $"WriteErrorEvent: {Describe(w.Exception)} lineProtocol=\"{w.LineProtocol}\"",
                        WriteRetriableErrorEvent r => $"WriteRetriableErrorEvent: {Describe(r.Exception)}",
                        WriteRuntimeExceptionEvent x => $"WriteRuntimeExceptionEvent: {Describe(x.Exception)}",
                        WriteSuccessEvent s => "WriteSuccessEvent",
                        _ => e.GetType().Name,
                    });
                }
            };
            var sw = Stopwatch.StartNew();
            batching.WriteRecord(GoodLine, WritePrecision.Ns, "ward/autogen", "-");
            Console.WriteLine($"WriteApi.WriteRecord returned in {sw.ElapsedMilliseconds} ms without exception");
            await Task.Delay(2000);
        }

        lock (events)
        {
            Console.WriteLine($"WriteApi events within 2 s: {events.Count}");
            foreach (var e in events)
            {
                Console.WriteLine("   " + e);
            }
        }

        using (var r = await http.GetAsync(server.Url + "/query?db=ward&q=" + Uri.EscapeDataString("SELECT count(spo2) FROM vitals")))
        {
            Console.WriteLine($"raw InfluxQL count after all client writes: {await r.Content.ReadAsStringAsync()}");
        }
    }

    // ---------------------------------------------------------------- claim 14, with real InfluxDB 1.6.7 error bodies
    // A small loopback shim answers the client's /api/v2/write?bucket=db/rp by forwarding the body to InfluxDB 1.6.7's
    // /write?db=db&rp=rp and relaying InfluxDB's own status and body: "relay" passes the 1.x body ({"error": ...}) as is,
    // "v2shape" re-wraps it the way InfluxDB 2.x answers ({"code":"invalid","message": ...}).
    public static async Task ShimAsync()
    {
        using var server = await Servers.StartInfluxAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        (await http.PostAsync(server.Url + "/query?q=" + Uri.EscapeDataString("CREATE DATABASE ward"), null)).Dispose();
        (await http.PostAsync(server.Url + "/write?db=ward", new StringContent(GoodLine))).Dispose();
        foreach (var shape in new[] { "relay", "v2shape" })
        {
            var port = FreePortForShim();
            using var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            using var stop = new CancellationTokenSource();
            var serving = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync().WaitAsync(stop.Token);
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    var bucket = context.Request.QueryString["bucket"] ?? "ward";
                    var parts = bucket.Split('/');
                    using var reader = new StreamReader(context.Request.InputStream);
                    var body = await reader.ReadToEndAsync();
                    var target = $"{server.Url}/write?db={parts[0]}{(parts.Length > 1 ? "&rp=" + parts[1] : "")}&precision=ns";
                    using var response = await http.PostAsync(target, new StringContent(body));
                    var text = await response.Content.ReadAsStringAsync();
                    if (shape == "v2shape" && !response.IsSuccessStatusCode)
                    {
                        var error = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetString();
                        text = System.Text.Json.JsonSerializer.Serialize(new { code = "invalid", message = error });
                    }

                    context.Response.StatusCode = (int)response.StatusCode;
                    context.Response.ContentType = "application/json";
                    var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });

            using var client = new InfluxDBClient($"http://127.0.0.1:{port}", "user:password");
            var write = client.GetWriteApiAsync();
            Console.WriteLine($"[{shape}] good line: " + await TryAsync(async () =>
            {
                await write.WriteRecordAsync(GoodLine, WritePrecision.Ns, "ward/autogen", "-");
                return "completed";
            }));
            foreach (var line in new[]
            {
                "vitals,patient=MRN-4711,bed=07 spo2=\"ninety-three\"",
                "vitals,patient=MRN-4711,bed=07 spo2=93,hr=131i notatimestamp",
            })
            {
                Console.WriteLine($"[{shape}] line '{line}': " + await TryAsync(async () =>
                {
                    await write.WriteRecordAsync(line, WritePrecision.Ns, "ward/autogen", "-");
                    return "completed";
                }));
            }

            Console.WriteLine($"[{shape}] 3 lines in one request, the 2nd malformed: " + await TryAsync(async () =>
            {
                await write.WriteRecordsAsync(["vitals,patient=MRN-1000 spo2=97", "vitals,patient=MRN-4711 spo2=93 notatimestamp", "vitals,patient=MRN-2000 spo2=99"], WritePrecision.Ns, "ward/autogen", "-");
                return "completed";
            }));
            stop.Cancel();
            listener.Stop();
            await serving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        }
    }

    private static int FreePortForShim()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    // ---------------------------------------------------------------- claim 14
    public static async Task VictoriaAsync()
    {
        using var server = await Servers.StartVictoriaAsync();
        using var client = new InfluxDBClient(server.Url, "anything");
        var write = client.GetWriteApiAsync();
        Console.WriteLine("good line via WriteRecordAsync: " + await TryAsync(async () =>
        {
            await write.WriteRecordAsync(GoodLine, WritePrecision.Ns, "ward", "-");
            return "completed";
        }));
        var bad = new[]
        {
            "vitals,patient=MRN-4711,bed=07 spo2=93,hr=131i notatimestamp",
            "vitals,patient=MRN-4711,bed=07 spo2=ninety-three",
            "vitals,patient=MRN-4711,bed=07 spo2=93 1700000000000000000 extra",
        };
        foreach (var line in bad)
        {
            Console.WriteLine($"bad line '{line}' via WriteRecordAsync: " + await TryAsync(async () =>
            {
                await write.WriteRecordAsync(line, WritePrecision.Ns, "ward", "-");
                return "completed";
            }));
        }

        // several lines in one request, one of them bad: what does the message carry?
        Console.WriteLine("batch of 3 lines, the 2nd bad, via WriteRecordsAsync: " + await TryAsync(async () =>
        {
            await write.WriteRecordsAsync(["vitals,patient=MRN-1000 spo2=97", "vitals,patient=MRN-4711 spo2=ninety-three", "vitals,patient=MRN-2000 spo2=99"], WritePrecision.Ns, "ward", "-");
            return "completed";
        }));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using (var r = await http.PostAsync(server.Url + "/api/v2/write?bucket=ward", new StringContent("vitals,patient=MRN-4711,bed=07 spo2=ninety-three")))
        {
            Console.WriteLine($"raw POST /api/v2/write with the same bad line -> {(int)r.StatusCode} body {(await r.Content.ReadAsStringAsync()).Trim()}");
        }
    }
}
