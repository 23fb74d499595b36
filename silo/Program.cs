using ModelUploads.Gateway;
using ModelUploads.Gateway.Auth;
using ModelUploads.Silo.Commands;
using ModelUploads.Silo.Database;
using ModelUploads.Silo.Hosting;
using Orleans.Dashboard;

namespace ModelUploads.Silo;

/// <summary>
/// The silo host. It applies the database schema, starts an Orleans silo, and
/// co-hosts the HTTP gateway, whose endpoints call grains in-process. With a
/// first argument of generate-data or stage-features it runs that data tool
/// instead, and with create-admin it creates an administrator in the running silo.
/// </summary>
public static partial class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (DataCommands.IsCommand(args))
        {
            return await DataCommands.RunAsync(args);
        }

        if (AccountCommands.IsCommand(args))
        {
            return await AccountCommands.RunAsync(args);
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

        builder.UseOrleans(silo =>
        {
            silo.UsePostgresClustering(configuration);
            silo.AddModelUploads(configuration);
            silo.AddDashboard();
        });
        builder.Services.AddModelUploadsGateway(configuration);

        var app = builder.Build();
        app.MapModelUploadsApi();

        // The Orleans dashboard shows grain and silo statistics to administrators only. A browser
        // reaches it through the web page, whose service worker adds the API key to its requests.
        app.MapOrleansDashboard(routePrefix: "/dashboard")
            .RequireAuthorization(AuthorizationPolicies.Administrator)
            .ExcludeFromDescription();
        await app.RunAsync();
        return 0;
    }
}
