using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelUploads.Data;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Browser;

/// <summary>
/// The real silo process of <see cref="ApiSiloFixture"/>, with its administrator from the
/// create-admin command, a user who signs in to the page, an open round, staged validation
/// data of eight eras with targets, and the rank_mean pickle made by real cloudpickle.
/// </summary>
public sealed class WebPageFixture : ApiSiloFixture, IAsyncLifetime
{
    /// <summary>Validation eras of the dataset; the newest one has no targets, so diagnostics have one fewer.</summary>
    public const int ValidationEras = 9;

    internal ApiUser User { get; private set; } = null!;

    public int Round { get; private set; }

    public string RankMeanPickle { get; private set; } = "";

    public Uri Address => Silo.Address;

    /// <summary>The base fixture opens no round, because the page's charts want more eras than its small dataset has.</summary>
    protected override bool PreparesData => false;

    // The base class implements IAsyncLifetime without virtual methods, so this class implements it
    // again: xunit calls these, and they start and stop the base fixture around their own steps.
    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        RankMeanPickle = await TestPickles.PathAsync("rank_mean.pkl");

        var dataset = Path.Combine(TestEnvironment.NewWorkDirectory("web-page"), "dataset");
        await new SyntheticDataset { LiveRows = 1000, FeatureCount = 40, TrainEras = 2, ValidationEras = ValidationEras, RowsPerEra = 300 }
            .WriteAsync(dataset, CancellationToken.None);

        using var client = Client(Administrator);
        using var round = await client.PostAsJsonAsync("/api/rounds", new { liveFile = Path.Combine(dataset, "live.parquet") });
        Assert.True(round.StatusCode == HttpStatusCode.Created, await round.Content.ReadAsStringAsync());
        Round = (await round.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("number").GetInt32();
        using var validation = await client.PostAsJsonAsync("/api/validation", new { file = Path.Combine(dataset, "validation.parquet") });
        Assert.True(validation.StatusCode == HttpStatusCode.OK, await validation.Content.ReadAsStringAsync());

        User = await CreateUserAsync("web-page-user");
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();
}
