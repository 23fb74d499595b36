using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelUploads.Data;

namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// The real silo process on a fresh PostgreSQL database, with an administrator made by the
/// create-admin command, a small synthetic dataset, an open round and staged validation data.
/// Tests make further users through the HTTP API as an administrator would.
/// </summary>
public class ApiSiloFixture : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private TestDatabase? _database;

    internal SiloProcess Silo { get; private set; } = null!;

    internal ApiUser Administrator { get; private set; } = null!;

    public string DatasetDirectory { get; private set; } = "";

    /// <summary>Whether the fixture opens a round and stages validation data before its tests run.</summary>
    protected virtual bool PreparesData => true;

    /// <summary>Environment settings of the silo process on top of <see cref="SiloProcess"/>'s own.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        var work = TestEnvironment.NewWorkDirectory("api");
        DatasetDirectory = Path.Combine(work, "dataset");
        await new SyntheticDataset { LiveRows = 600, FeatureCount = 24, TrainEras = 2, ValidationEras = 4, RowsPerEra = 200 }
            .WriteAsync(DatasetDirectory, CancellationToken.None);

        _database = await TestDatabase.CreateAsync(applySchema: false);
        Silo = await SiloProcess.StartAsync(_database.ConnectionString, Path.Combine(work, "store"), Settings);
        Administrator = await AdministratorCommand.CreateAsync(Silo, _database.ConnectionString, "tests-admin");
        if (!PreparesData)
        {
            return;
        }

        using var client = Client(Administrator);
        using var round = await client.PostAsJsonAsync("/api/rounds", new { liveFile = Path.Combine(DatasetDirectory, "live.parquet") });
        Assert.True(round.StatusCode == HttpStatusCode.Created, await round.Content.ReadAsStringAsync());
        using var validation = await client.PostAsJsonAsync("/api/validation", new { file = Path.Combine(DatasetDirectory, "validation.parquet") });
        Assert.True(validation.StatusCode == HttpStatusCode.OK, await validation.Content.ReadAsStringAsync());
    }

    internal HttpClient Client(ApiUser user) => user.Client(Silo.Address);

    /// <summary>A client that sends no Authorization header.</summary>
    internal HttpClient AnonymousClient() => new() { BaseAddress = Silo.Address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Creates a user and a key for it through the API, as an administrator.</summary>
    internal async Task<ApiUser> CreateUserAsync(string name, bool isAdministrator = false)
    {
        using var client = Client(Administrator);
        using var created = await client.PostAsJsonAsync("/api/users", new { name, isAdministrator });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var userId = (await created.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("userId").GetString()!;

        using var key = await client.PostAsync($"/api/users/{userId}/keys", content: null);
        Assert.True(key.StatusCode == HttpStatusCode.Created, await key.Content.ReadAsStringAsync());
        return new ApiUser(userId, (await key.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("key").GetString()!);
    }

    public async Task DisposeAsync()
    {
        Silo?.Dispose();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
