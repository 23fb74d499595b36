using System.Reflection;
using Npgsql;

namespace ModelUploads.Silo.Database;

/// <summary>
/// Applies this project's PostgreSQL schema for the Orleans ADO.NET providers.
/// Every script is idempotent and they run in one transaction under an advisory
/// lock, so running on every start, from several silos at once, is safe.
/// </summary>
internal static partial class SchemaMigrator
{
    /// <summary>Bumped whenever a script changes; recorded in modeluploads_schema_version.</summary>
    public const int SchemaVersion = 2;

    /// <summary>An arbitrary constant that names this schema's advisory lock.</summary>
    private const long AdvisoryLockKey = 0x4D55_5343_4845_4D41;

    public static async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (name, sql) in Scripts())
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            LogScriptApplied(logger, name);
        }

        await using (var versionCommand = new NpgsqlCommand(
            "INSERT INTO modeluploads_schema_version (version) VALUES (@version) ON CONFLICT (version) DO NOTHING",
            connection,
            transaction))
        {
            versionCommand.Parameters.AddWithValue("version", SchemaVersion);
            await versionCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogSchemaReady(logger, SchemaVersion);
    }

    /// <summary>The embedded scripts in the order of their numeric prefixes.</summary>
    internal static IEnumerable<(string Name, string Sql)> Scripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (resource, reader.ReadToEnd());
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Applied schema script {Script}")]
    private static partial void LogScriptApplied(ILogger logger, string script);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema version {Version} is in place")]
    private static partial void LogSchemaReady(ILogger logger, int version);
}
