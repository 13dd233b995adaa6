namespace MedIoT.Testing;

/// <summary>A gateway running on a <see cref="Ward"/>: in the test process or as a child process.</summary>
public interface IWardGateway : IAsyncDisposable
{
    /// <summary>What the gateway logged lately, for failure messages.</summary>
    string RecentOutput { get; }

    /// <summary>Stops the gateway as a service stop would; disposing afterwards is harmless.</summary>
    Task StopAsync();
}

/// <summary>Starts a gateway on a ward with the given settings and returns once it is ready.</summary>
public interface IWardGatewayLauncher
{
    Task<IWardGateway> StartAsync(Ward ward, IReadOnlyDictionary<string, string> settings);
}
