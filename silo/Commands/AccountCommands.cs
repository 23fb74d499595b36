using ModelUploads.Gateway.Auth;
using ModelUploads.Silo.Database;
using ModelUploads.Silo.Hosting;

namespace ModelUploads.Silo.Commands;

/// <summary>
/// `create-admin NAME` creates an administrator and prints its user id and API key, the
/// only time the key's secret is shown. It applies the database schema, then joins the
/// running silo's cluster as an Orleans client on Cluster:GatewayPort and creates the
/// user and key through the grains. It never starts a silo of its own, because a second
/// silo on the same database would also run the reminders of every model.
/// </summary>
internal static partial class AccountCommands
{
    private const int ConnectAttempts = 10;
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "create-admin";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 2 || string.IsNullOrWhiteSpace(args[1]))
        {
            await Console.Error.WriteLineAsync("usage: create-admin NAME (quote a name with spaces)");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        // Only warnings reach the console, on stderr, so stdout carries just the user id and key. The
        // client's own connection warnings and the host's start failure are left out, because a
        // failed connection is reported below in one message.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.PostConfigure<LoggerFilterOptions>(filters =>
        {
            filters.Rules.Clear();
            filters.MinLevel = LogLevel.Warning;
            filters.AddFilter("Orleans", LogLevel.Error);
            filters.AddFilter("Orleans.Runtime.Messaging", LogLevel.None);
            filters.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        });
        var configuration = builder.Configuration;
        var cluster = configuration.GetSection("Cluster");
        var gatewayPort = cluster.GetValue("GatewayPort", 30000);
        var serviceId = cluster.GetValue("ServiceId", "modeluploads") ?? "modeluploads";
        var clusterId = cluster.GetValue("ClusterId", "modeluploads") ?? "modeluploads";
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPort, serviceId, clusterId);
            var attempts = 0;
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                if (++attempts >= ConnectAttempts)
                {
                    return false;
                }

                await Task.Delay(ConnectRetryDelay, cancellationToken);
                return true;
            });
        });

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ModelUploads.Silo.Commands");
        try
        {
            await SchemaMigrator.ApplyAsync(SiloConfiguration.PostgresConnectionString(configuration), logger, CancellationToken.None);
        }
        catch (InvalidOperationException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }

        try
        {
            await host.StartAsync();
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException or System.Net.Sockets.SocketException)
        {
            LogConnectFailed(logger, exception, gatewayPort, serviceId, clusterId);
            await Console.Error.WriteLineAsync(
                $"error: no silo of service '{serviceId}' and cluster '{clusterId}' answered on the gateway port {gatewayPort} "
                + "of 127.0.0.1. Start the silo first (scripts/run.sh does), and set Cluster__GatewayPort, Cluster__ServiceId "
                + "and Cluster__ClusterId to its values if they differ.");
            return 1;
        }

        var grains = host.Services.GetRequiredService<IClusterClient>();
        var user = await AccountProvisioner.CreateUserAsync(grains, args[1], isAdministrator: true);
        var key = await AccountProvisioner.IssueKeyAsync(grains, user.UserId);
        Console.WriteLine($"user id: {user.UserId}");
        Console.WriteLine($"api key: {key.Key}");
        await Console.Error.WriteLineAsync(
            "Store the key now: it is shown only this once. Send it as 'Authorization: Token KEY'.");

        await host.StopAsync();
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not connect to the silo gateway on port {GatewayPort} (service {ServiceId}, cluster {ClusterId})")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, int gatewayPort, string serviceId, string clusterId);
}
