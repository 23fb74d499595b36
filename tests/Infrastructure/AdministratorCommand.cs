using System.Globalization;

namespace ModelUploads.Tests.Infrastructure;

/// <summary>Runs the silo's `create-admin` command against a running silo process, as an operator would.</summary>
internal static class AdministratorCommand
{
    private const string UserIdPrefix = "user id: ";
    private const string KeyPrefix = "api key: ";

    public static async Task<ApiUser> CreateAsync(SiloProcess silo, string connectionString, string name)
    {
        var siloDll = Path.Combine(
            TestEnvironment.RepositoryRoot, "silo", "bin", TestEnvironment.BuildConfiguration, "net10.0", "ModelUploads.Silo.dll");
        var output = await ProcessRunner.RunAsync(
            "dotnet",
            [siloDll, "create-admin", name],
            TimeSpan.FromMinutes(1),
            new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = connectionString,
                ["Cluster__GatewayPort"] = silo.Ports.Gateway.ToString(CultureInfo.InvariantCulture),
                ["Cluster__ServiceId"] = SiloProcess.ServiceId,
            });

        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        var userId = lines.FirstOrDefault(l => l.StartsWith(UserIdPrefix, StringComparison.Ordinal))?[UserIdPrefix.Length..];
        var key = lines.FirstOrDefault(l => l.StartsWith(KeyPrefix, StringComparison.Ordinal))?[KeyPrefix.Length..];
        return userId is not null && key is not null
            ? new ApiUser(userId, key)
            : throw new InvalidOperationException($"create-admin printed no user id and key:\n{output}");
    }
}
