using MedIoT.Gateway.Http;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Storage.Influx;

namespace MedIoT.Gateway.Station;

/// <summary>Registers the ward's central station (docs/station.md): its pages, JSON, live events and assets on the gateway's HTTP surface.</summary>
internal static class StationServiceCollectionExtensions
{
    public static IServiceCollection AddStation(this IServiceCollection services)
    {
        services.AddSingleton<LatestReadings>();
        // Ingestion hands every outcome to every observer: the alarms and these latest readings.
        services.AddSingleton<IIngestionObserver>(provider => provider.GetRequiredService<LatestReadings>());
        services.AddSingleton<InfluxQueryClient>();
        services.AddSingleton<VitalTrendReader>();
        services.AddSingleton<AlarmHistoryReader>();
        services.AddSingleton<WardView>();
        services.AddSingleton<StationAssets>();
        services.AddSingleton<StationStatistics>();
        services.AddSingleton<StationEventStream>();
        services.AddSingleton<IGatewayEndpoints, StationEndpoints>();
        // Server-Timing on the station's answers; registered after sign-in's setup, so it times what follows sign-in.
        services.AddSingleton<IGatewayHttpSetup, StationServerTiming>();
        return services;
    }
}
