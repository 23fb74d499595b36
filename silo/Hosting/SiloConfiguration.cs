using Microsoft.Extensions.Options;
using ModelUploads.Hosting;
using ModelUploads.Rounds;
using Orleans.Configuration;
using Orleans.Storage;

namespace ModelUploads.Silo.Hosting;

/// <summary>
/// Everything a silo of this system needs: grain storage and reminders on
/// PostgreSQL, and the grains' own services. The silo host and the test
/// cluster both call it, so tests run the same wiring as production.
/// </summary>
public static class SiloConfiguration
{
    /// <summary>The ADO.NET invariant Orleans uses to load Npgsql.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static ISiloBuilder AddModelUploads(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = PostgresConnectionString(configuration);
        silo.AddAdoNetGrainStorage(StorageNames.Grains, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<IServiceProvider>((storage, services) =>
            {
                storage.Invariant = NpgsqlInvariant;
                storage.ConnectionString = connectionString;

                // Orleans' binary format honours the [Id] numbers of the state types, so state
                // written by one version of this system is read by the next.
                storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>());
            }));
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });

        var minimumReminderPeriod = configuration.GetValue<TimeSpan?>("Orleans:MinimumReminderPeriod");
        if (minimumReminderPeriod is { } period)
        {
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = period);
        }

        silo.Services.AddModelUploadsGrains(configuration);

        // The rounds grain owns the schedule's reminder; registering it again on every start is harmless.
        silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>().GetGrain<IRoundsGrain>(0).EnsureScheduledAsync());
        return silo;
    }

    /// <summary>
    /// Cluster membership on PostgreSQL, on loopback: each silo listens on its own
    /// Cluster:SiloPort and Cluster:GatewayPort and finds the others through the table.
    /// </summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection("Cluster");
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = PostgresConnectionString(configuration);
        });
        silo.Configure<ClusterOptions>(options =>
        {
            options.ServiceId = cluster.GetValue("ServiceId", "modeluploads") ?? "modeluploads";
            options.ClusterId = cluster.GetValue("ClusterId", "modeluploads") ?? "modeluploads";
        });
        silo.ConfigureEndpoints(
            System.Net.IPAddress.Loopback, cluster.GetValue("SiloPort", 11111), cluster.GetValue("GatewayPort", 30000), listenOnAnyHostAddress: false);
        return silo;
    }

    public static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres")
        ?? throw new InvalidOperationException(
            "The setting ConnectionStrings:Postgres is missing. Set it (for example with the environment variable "
            + "ConnectionStrings__Postgres) to the PostgreSQL connection string; scripts/run.sh sets it for the private cluster.");
}
