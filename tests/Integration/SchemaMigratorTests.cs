using ModelUploads.Silo.Database;
using ModelUploads.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ModelUploads.Tests.Integration;

/// <summary>The schema step on a real PostgreSQL server: it creates everything once and is safe to repeat.</summary>
public sealed class SchemaMigratorTests
{
    private static readonly string[] ExpectedQueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey", "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "ReadFromStorageKey",
        "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey", "UpdateIAmAlivetimeKey",
        "UpdateMembershipKey", "UpsertReminderRowKey", "WriteToStorageKey",
    ];

    [Fact]
    public async Task MigratorCreatesEveryProviderQuery()
    {
        await using var database = await TestDatabase.CreateAsync();

        var keys = await database.ScalarAsync<string>("SELECT string_agg(querykey, ',' ORDER BY querykey) FROM orleansquery");

        Assert.Equal(string.Join(',', ExpectedQueryKeys.Order(StringComparer.Ordinal)), keys);
    }

    [Fact]
    public async Task MigratorRunsTwiceWithoutChanges()
    {
        // Given a database with the schema and one stored row
        await using var database = await TestDatabase.CreateAsync();
        await database.ScalarAsync<int>(
            "INSERT INTO modeluploads_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key, grain_id_hash, grain_type_hash, payload, version) "
            + "VALUES ('s', 't', 1, 2, 'k', 3, 4, '\\x01', 1) RETURNING version");

        // When the migration runs again, concurrently with itself
        await Task.WhenAll(
            SchemaMigrator.ApplyAsync(database.ConnectionString, NullLogger.Instance, CancellationToken.None),
            SchemaMigrator.ApplyAsync(database.ConnectionString, NullLogger.Instance, CancellationToken.None));

        // Then the row is still there and nothing is duplicated
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM modeluploads_grain_state"));
        Assert.Equal((long)ExpectedQueryKeys.Length, await database.ScalarAsync<long>("SELECT count(*) FROM orleansquery"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM modeluploads_schema_version"));
    }

    [Fact]
    public async Task WriteFunctionRejectsStaleVersion()
    {
        await using var database = await TestDatabase.CreateAsync();
        const string write = "SELECT newgrainstateversion FROM modeluploads_write_grain_state('s', 't', 1, 2, NULL, 3, 4, {0}, '\\x01')";

        var first = await database.ScalarAsync<int>(string.Format(System.Globalization.CultureInfo.InvariantCulture, write, "NULL"));
        var second = await database.ScalarAsync<int>(string.Format(System.Globalization.CultureInfo.InvariantCulture, write, "1"));
        var stale = await database.ScalarAsync<int>(string.Format(System.Globalization.CultureInfo.InvariantCulture, write, "1"));
        var duplicateInsert = await database.ScalarAsync<int?>(string.Format(System.Globalization.CultureInfo.InvariantCulture, write, "NULL"));

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        Assert.Equal(1, stale);
        Assert.Null(duplicateInsert);
    }
}
