using ModelUploads.Gateway;

namespace ModelUploads.Gateway;

/// <summary>
/// Runs the gateway as its own process that joins the cluster as an Orleans
/// client. The silo co-hosts the same endpoints by default; use this to scale
/// the HTTP side apart from the silos.
/// </summary>
public static class GatewayProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var cluster = builder.Configuration.GetSection("Cluster");
        var gatewayPort = cluster.GetValue("GatewayPort", 30000);
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(
                gatewayPort,
                cluster.GetValue("ServiceId", "modeluploads") ?? "modeluploads",
                cluster.GetValue("ClusterId", "modeluploads") ?? "modeluploads");
        });
        builder.Services.AddModelUploadsGateway(builder.Configuration);

        var app = builder.Build();
        app.MapModelUploadsApi();
        await app.RunAsync();
    }
}
