namespace MedIoT.Testing;

/// <summary>
/// Builds a <see cref="Ward"/>: a private folder, a real mosquitto, a real influxd (or one shared with other wards, or none),
/// socat serial lines, the gateway's settings, and how the gateway runs (<see cref="WithGateway"/>). Servers start together;
/// then the <see cref="Configure(Action{Ward})"/> steps run in the order given (provisioning, settings); then the gateway.
/// </summary>
/// <remarks>
/// This project references no gateway assembly: it is shared by the ledger, MQTT and serial tests, which must not depend on
/// the gateway. The builder therefore knows servers, folders, processes and settings as text; the options that need gateway
/// types (provisioned beds, the host run in the test process, typed access to its services) are extension methods in
/// tests/MedIoT.Gateway.Tests/Support/Wards, over this one builder.
/// </remarks>
public sealed class WardBuilder(string name)
{
    internal string Name { get; } = name;

    internal List<string> MosquittoConfiguration { get; } = [];

    internal MosquittoAccess MosquittoAccess { get; private set; } = MosquittoAccess.ShippedWithTestAccount;

    internal bool WithInflux { get; private set; } = true;

    internal InfluxServer? SharedInflux { get; private set; }

    internal string InfluxDatabase { get; private set; } = "mediot_test";

    internal List<string> SerialLines { get; } = [];

    internal List<Func<Ward, Task>> Steps { get; } = [];

    internal IWardGatewayLauncher? Launcher { get; private set; }

    internal bool StartGatewayWithWard { get; private set; }

    /// <summary>Appends lines to the project's mosquitto configuration (configs/mosquitto/mosquitto.conf).</summary>
    public WardBuilder WithMosquittoConfiguration(IEnumerable<string> lines)
    {
        MosquittoConfiguration.AddRange(lines);
        return this;
    }

    /// <summary>
    /// The broker has exactly the shipped access control (<see cref="MosquittoAccess.Shipped"/>): no test account, only the
    /// accounts the steps add. For tests of who may do what on the shipped configuration.
    /// </summary>
    public WardBuilder WithShippedBrokerAccessOnly()
    {
        MosquittoAccess = MosquittoAccess.Shipped;
        return this;
    }

    /// <summary>No InfluxDB in this ward (the gateway is pointed elsewhere by a setting).</summary>
    public WardBuilder WithoutInflux()
    {
        WithInflux = false;
        return this;
    }

    /// <summary>Uses <paramref name="influx"/>, started and disposed by the caller, instead of an influxd of the ward's own.</summary>
    public WardBuilder WithSharedInflux(InfluxServer influx)
    {
        SharedInflux = influx;
        return this;
    }

    /// <summary>The InfluxDB database of the ward's gateway.</summary>
    public WardBuilder WithInfluxDatabase(string database)
    {
        InfluxDatabase = database;
        return this;
    }

    /// <summary>A socat pseudo-terminal pair in the ward's folder <c>name/</c> (<see cref="Ward.Line"/>).</summary>
    public WardBuilder WithSerialLine(string name)
    {
        SerialLines.Add(name);
        return this;
    }

    /// <summary>A step run once the servers are up, before the gateway starts (steps run in the order given).</summary>
    public WardBuilder Configure(Func<Ward, Task> step)
    {
        Steps.Add(step);
        return this;
    }

    /// <inheritdoc cref="Configure(Func{Ward, Task})"/>
    public WardBuilder Configure(Action<Ward> step) => Configure(ward =>
    {
        step(ward);
        return Task.CompletedTask;
    });

    /// <summary>Sets one gateway setting (a key such as <c>Gateway:Mqtt:Port</c>) after the steps registered before it.</summary>
    public WardBuilder WithSetting(string key, string value) => Configure(ward => ward.Settings[key] = value);

    /// <summary>
    /// How <see cref="Ward.StartGatewayAsync"/> runs the gateway; with <paramref name="startWithWard"/> it is started by
    /// <see cref="StartAsync"/> too, otherwise the test changes <see cref="Ward.Settings"/> first and starts it itself.
    /// </summary>
    public WardBuilder WithGateway(IWardGatewayLauncher launcher, bool startWithWard)
    {
        Launcher = launcher;
        StartGatewayWithWard = startWithWard;
        return this;
    }

    /// <summary>Starts the ward; on a failure everything already started is stopped again.</summary>
    public async Task<Ward> StartAsync()
    {
        var ward = new Ward(this);
        try
        {
            await ward.StartAsync().ConfigureAwait(false);
            return ward;
        }
        catch
        {
            await ward.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
