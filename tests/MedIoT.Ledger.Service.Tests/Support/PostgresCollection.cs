using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Support;

/// <summary>One PostgreSQL server for every test class that needs one; each test creates its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>Starts the server once; hands out fresh databases.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = $"ledger{Interlocked.Increment(ref _databases)}";
        await Server.CreateDatabaseAsync(name);
        return Server.ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Server.DisposeAsync();
    }
}
