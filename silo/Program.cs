using ModelUploads.Gateway;
using ModelUploads.Silo.Commands;
using ModelUploads.Silo.Database;
using ModelUploads.Silo.Hosting;

namespace ModelUploads.Silo;

/// <summary>
/// The silo host. It applies the database schema, starts an Orleans silo, and
/// co-hosts the HTTP gateway, whose endpoints call grains in-process. With a
/// first argument of generate-data or stage-features it runs that data tool
/// instead.
/// </summary>
public static partial class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (DataCommands.IsCommand(args))
        {
            return await DataCommands.RunAsync(args);
        }

        // appsettings.json sits beside the assembly, whatever the working folder is.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configuration = builder.Configuration;

        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole()))
        {
            var logger = loggerFactory.CreateLogger("ModelUploads.Silo.Database");
            await SchemaMigrator.ApplyAsync(SiloConfiguration.PostgresConnectionString(configuration), logger, CancellationToken.None);
        }

        // Reproduction commands in run logs point at this gateway unless configured otherwise.
        if (configuration["Sandbox:PublicGatewayUrl"] is null && configuration["Urls"] is { } urls)
        {
            configuration["Sandbox:PublicGatewayUrl"] = urls.Split(';')[0];
        }

        var cluster = configuration.GetSection("Cluster");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                cluster.GetValue("SiloPort", 11111),
                cluster.GetValue("GatewayPort", 30000),
                serviceId: cluster.GetValue("ServiceId", "modeluploads") ?? "modeluploads",
                clusterId: cluster.GetValue("ClusterId", "modeluploads") ?? "modeluploads");
            silo.AddModelUploads(configuration);
        });
        builder.Services.AddModelUploadsGateway(configuration);

        var app = builder.Build();
        app.MapModelUploadsApi();
        await app.RunAsync();
        return 0;
    }
}
