namespace MedIoT.Testing;

/// <summary>
/// A whole ward on this machine, made by a <see cref="WardBuilder"/>: its private folder (state that outlives gateway
/// restarts, as on a real disk), real mosquitto and influxd on free loopback ports, serial lines, the gateway's settings
/// and the gateway itself. Disposing it ends the gateway, the lines and the servers it owns, and deletes the folder.
/// A per-suite xunit fixture derives from it, so that its tests read <c>ward.Mosquitto</c>, <c>ward.Statistics</c>.
/// </summary>
public class Ward : IAsyncDisposable
{
    /// <summary>The bound of every wait on a ward (generous for a loaded CI machine).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly WardBuilder _builder;
    private readonly TemporaryDirectory _folder;
    private readonly Dictionary<string, SocatPtyPair> _lines = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, object> _features = [];
    private MosquittoServer? _mosquitto;
    private InfluxServer? _influx;
    private StaffAccounts? _staff;

    /// <summary>A ward to be started with <see cref="StartAsync"/> (a fixture does that in its <c>InitializeAsync</c>).</summary>
    protected internal Ward(WardBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _builder = builder;
        _folder = TemporaryDirectory.Create(builder.Name);
    }

    /// <summary>The ward's private folder.</summary>
    public string Folder => _folder.Path;

    public MosquittoServer Mosquitto => _mosquitto ?? throw new InvalidOperationException("The ward is not started.");

    /// <summary>Whether the ward has an InfluxDB (of its own or shared).</summary>
    public bool HasInflux => _influx is not null;

    public InfluxServer Influx => _influx ?? throw new InvalidOperationException("This ward was started without InfluxDB.");

    /// <summary>The InfluxDB database of the ward's gateway.</summary>
    public string InfluxDatabase => _builder.InfluxDatabase;

    /// <summary>The gateway's settings (keys like <c>Gateway:Mqtt:Port</c>); changes apply at the next gateway start.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>The gateway started last, or null.</summary>
    public IWardGateway? Gateway { get; private set; }

    /// <summary>A client for the gateway's HTTP surface and the like, disposed with the ward.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// The local API tokens of the ward's test staff (<see cref="StaffAccounts.Default"/>), in the accounts file the
    /// gateway reads (<c>Gateway:Access:AccountsPath</c>); written when the ward starts.
    /// </summary>
    public StaffAccounts Staff => _staff ?? throw new InvalidOperationException("The ward is not started.");

    /// <summary>A client that calls the gateway as the test staff member <paramref name="staffId"/> (bearer token).</summary>
    public HttpClient HttpAs(string staffId) => Staff.Client(staffId);

    /// <summary>A path inside the ward's folder.</summary>
    public string Combine(params string[] parts) => _folder.Combine(parts);

    /// <summary>The serial line made by <see cref="WardBuilder.WithSerialLine"/>.</summary>
    public SocatPtyPair Line(string name) => _lines[name];

    /// <summary>What a builder option made for later use (for example the provisioned devices).</summary>
    public T Feature<T>()
        where T : class => _features.TryGetValue(typeof(T), out var feature) ? (T)feature
            : throw new InvalidOperationException($"This ward has no {typeof(T).Name}: add the builder option that makes it.");

    /// <summary>Keeps <paramref name="feature"/> for <see cref="Feature{T}"/>.</summary>
    public void SetFeature<T>(T feature)
        where T : class => _features[typeof(T)] = feature;

    /// <summary>
    /// Starts a gateway with <see cref="Settings"/> and <paramref name="overrides"/>, by <paramref name="launcher"/> or the
    /// builder's; a gateway still running is disposed first. The caller may dispose the returned gateway; the ward does at the end.
    /// </summary>
    public async Task<IWardGateway> StartGatewayAsync(IReadOnlyDictionary<string, string>? overrides = null, IWardGatewayLauncher? launcher = null)
    {
        launcher ??= _builder.Launcher ?? throw new InvalidOperationException("The ward was built without a gateway (WardBuilder.WithGateway).");
        await StopGatewayAsync().ConfigureAwait(false);
        var settings = new Dictionary<string, string>(Settings, StringComparer.Ordinal);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        Gateway = await launcher.StartAsync(this, settings).ConfigureAwait(false);
        await OnGatewayStartedAsync(Gateway).ConfigureAwait(false);
        return Gateway;
    }

    /// <summary>Runs after each gateway start: a fixture waits here for what its tests take for granted.</summary>
    protected virtual Task OnGatewayStartedAsync(IWardGateway gateway) => Task.CompletedTask;

    /// <summary>Stops the running gateway as a service stop would (its state on disk stays).</summary>
    public async Task StopGatewayAsync()
    {
        if (Gateway is { } gateway)
        {
            Gateway = null;
            await gateway.StopAsync().ConfigureAwait(false);
            await gateway.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the gateway and starts a new one on the same folder (fresh in-memory state).</summary>
    public async Task RestartGatewayAsync()
    {
        await StopGatewayAsync().ConfigureAwait(false);
        await StartGatewayAsync().ConfigureAwait(false);
    }

    public Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>
    /// Re-checks <paramref name="condition"/> every 50 ms until it holds, at most <see cref="Timeout"/>: for state of another
    /// process (a child gateway, a file, a server), where there is no event to await.
    /// </summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(Timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition().ConfigureAwait(false))
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Waited {Timeout.TotalSeconds:0} s for {what}. The gateway's log:{Environment.NewLine}{Gateway?.RecentOutput}");
            }

            await timer.WaitForNextTickAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the servers and lines, runs the builder's steps, and starts the gateway if the builder says so.</summary>
    public async Task StartAsync()
    {
        var mosquitto = MosquittoServer.StartAsync(_builder.MosquittoConfiguration, _builder.MosquittoAccess);
        var influx = _builder.SharedInflux is null && _builder.WithInflux ? InfluxServer.StartAsync() : null;
        try
        {
            foreach (var line in _builder.SerialLines)
            {
                _lines[line] = await SocatPtyPair.StartAsync(Directory.CreateDirectory(Combine(line)).FullName).ConfigureAwait(false);
            }
        }
        finally
        {
            // Kept even when a line failed, so that DisposeAsync ends them.
            try
            {
                _mosquitto = await mosquitto.ConfigureAwait(false);
            }
            finally
            {
                _influx = _builder.SharedInflux ?? (influx is null ? null : await influx.ConfigureAwait(false));
            }
        }

        _staff = StaffAccounts.Write(Combine("accounts.json"), StaffAccounts.Default);
        Settings["Gateway:Access:AccountsPath"] = _staff.Path;
        Settings["Gateway:Access:KeysFolder"] = Combine("state", "access-keys");
        foreach (var step in _builder.Steps)
        {
            await step(this).ConfigureAwait(false);
        }

        if (_builder.StartGatewayWithWard)
        {
            await StartGatewayAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (Gateway is { } gateway)
        {
            Gateway = null;
            await gateway.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var line in _lines.Values)
        {
            await line.DisposeAsync().ConfigureAwait(false);
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync().ConfigureAwait(false);
        }

        if (_influx is not null && _builder.SharedInflux is null)
        {
            await _influx.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var feature in _features.Values)
        {
            (feature as IDisposable)?.Dispose();
        }

        Http.Dispose();
        _staff?.Dispose();
        _folder.Dispose();
    }
}
