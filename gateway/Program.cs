using ModelUploads.Gateway;

namespace ModelUploads.Gateway;

/// <summary>
/// Runs the gateway as its own process that joins the cluster as an Orleans
/// client, finding the silos through the PostgreSQL membership table. The silo
/// co-hosts the same endpoints by default; use this to scale the HTTP side
/// apart from the silos.
/// </summary>
public static class GatewayProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var cluster = builder.Configuration.GetSection("Cluster");
        var connectionString = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException(
                "The setting ConnectionStrings:Postgres is missing. The gateway finds the silos through the cluster's PostgreSQL membership table; set it to the silos' connection string.");
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            client.Configure<Orleans.Configuration.ClusterOptions>(options =>
            {
                options.ServiceId = cluster.GetValue("ServiceId", "modeluploads") ?? "modeluploads";
                options.ClusterId = cluster.GetValue("ClusterId", "modeluploads") ?? "modeluploads";
            });
        });
        builder.Services.AddModelUploadsGateway(builder.Configuration);

        var app = builder.Build();
        app.MapModelUploadsApi();
        await app.RunAsync();
    }
}
