using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Http;
using MedIoT.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Ledger.Witness.Tests.Support;

/// <summary>
/// The real witness host (Kestrel on a free loopback port) started in this process, with its key file, state and
/// evidence folders under a test folder, and an HTTP client for it.
/// </summary>
internal sealed class InProcessWitness : IAsyncDisposable
{
    public const string WitnessName = "witness.mediot.example/w1";

    private readonly ILoggerFactory _loggerFactory;

    private InProcessWitness(WitnessServer server, WitnessOptions options, FakeLogCollector logs, ILoggerFactory loggerFactory, WitnessKey key)
    {
        Server = server;
        Options = options;
        Logs = logs;
        _loggerFactory = loggerFactory;
        VerifierKey = key;
        Client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WitnessServer Server { get; }

    public WitnessOptions Options { get; }

    public FakeLogCollector Logs { get; }

    public HttpClient Client { get; }

    public WitnessKey VerifierKey { get; }

    /// <summary>Settings for a witness in <paramref name="folder"/> trusting <paramref name="logs"/>; creates the key file when missing.</summary>
    public static WitnessOptions Settings(string folder, params NoteVerifierKey[] logs)
    {
        var keyFile = Path.Combine(folder, "key", "witness.jwk");
        if (!File.Exists(keyFile))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var key = Ed25519PrivateKey.Generate();
            PrivateKeyFile.Write(keyFile, key);
        }

        var options = new WitnessOptions
        {
            Name = WitnessName,
            KeyFile = keyFile,
            StateFolder = Path.Combine(folder, "state"),
            EvidenceFolder = Path.Combine(folder, "evidence"),
            Url = new Uri("http://127.0.0.1:0"),
        };
        foreach (var group in logs.GroupBy(k => k.Name))
        {
            var log = new TrustedLogOptions { Origin = group.Key };
            foreach (var key in group)
            {
                log.Keys.Add(key.ToString());
            }

            options.Logs.Add(log);
        }

        return options;
    }

    public static async Task<InProcessWitness> StartAsync(WitnessOptions options, TimeProvider? timeProvider = null)
    {
        var logs = TestLogs.CreateProvider();
        var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        try
        {
            var server = await WitnessServer.StartAsync(options, loggerFactory, timeProvider ?? TimeProvider.System, CancellationToken.None);
            return new InProcessWitness(server, options, logs.Collector, loggerFactory, server.Witness.VerifierKey);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    public async Task<WitnessReply> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await Client.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content);
        return await WitnessReply.ReadAsync(response);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _loggerFactory.Dispose();
    }
}

/// <summary>An HTTP answer of the witness.</summary>
internal sealed record WitnessReply(HttpStatusCode Status, string? ContentType, string Body)
{
    public static async Task<WitnessReply> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

    /// <summary>The latest cosigned size of a 409 <c>text/x.tlog.size</c> answer.</summary>
    public long ConflictSize()
    {
        Assert.Equal(HttpStatusCode.Conflict, Status);
        Assert.Equal("text/x.tlog.size", ContentType);
        Assert.EndsWith("\n", Body, StringComparison.Ordinal);
        return long.Parse(Body.AsSpan(0, Body.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
    }
}
