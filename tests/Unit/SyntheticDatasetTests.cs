using System.Text.Json;
using System.Text.RegularExpressions;
using ModelUploads.Data;

namespace ModelUploads.Tests.Unit;

public sealed partial class SyntheticDatasetTests : IDisposable
{
    private const int RowsPerEra = 30;

    private static readonly string[] FileNames = ["train.parquet", "validation.parquet", "live.parquet", "features.json"];

    private readonly TemporaryDirectory _directory = new("dataset");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteAsyncReturnsFourFiles()
    {
        // When
        var paths = await SmallDataset(seed: 42).WriteAsync(_directory.Path, CancellationToken.None);

        // Then
        Assert.Equal(FileNames, paths.Select(Path.GetFileName));
        foreach (var path in paths)
        {
            Assert.True(File.Exists(path), $"{path} does not exist");
        }
    }

    [Fact]
    public async Task ReadAsyncReturnsWrittenShape()
    {
        // Given
        var dataset = SmallDataset(seed: 42);
        await dataset.WriteAsync(_directory.Path, CancellationToken.None);

        // When
        var train = await ReadAsync("train");
        var validation = await ReadAsync("validation");
        var live = await ReadAsync("live");

        // Then
        Assert.Equal(2 * RowsPerEra, train.RowCount);
        Assert.Equal(2 * RowsPerEra, validation.RowCount);
        Assert.Equal(50, live.RowCount);
        Assert.Equal(dataset.FeatureNames(), train.FeatureNames);
        Assert.Equal(dataset.FeatureNames(), live.FeatureNames);
        Assert.Equal(7, train.FeatureCount);
        Assert.Equal("feature_able_acre_0000", train.FeatureNames[0]);
    }

    [Fact]
    public async Task DatasetIdsMatchNumeraiPattern()
    {
        // Given
        await SmallDataset(seed: 42).WriteAsync(_directory.Path, CancellationToken.None);

        // When
        var ids = new List<string>();
        foreach (var name in new[] { "train", "validation", "live" })
        {
            ids.AddRange((await ReadAsync(name)).Ids);
        }

        // Then
        foreach (var id in ids)
        {
            Assert.True(IdPattern().IsMatch(id), $"id '{id}' is not 'n' and 15 hexadecimal digits");
        }

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task DatasetFeaturesAreIntegersZeroToFour()
    {
        // Given
        await SmallDataset(seed: 42).WriteAsync(_directory.Path, CancellationToken.None);

        // When
        var train = await ReadAsync("train");

        // Then
        foreach (var value in train.Values)
        {
            Assert.True(value is 0 or 1 or 2 or 3 or 4, $"feature value {value} is not an integer in 0..4");
        }

        Assert.Equal([0f, 1f, 2f, 3f, 4f], train.Values.Distinct().Order());
    }

    [Fact]
    public async Task DatasetErasAreZeroPadded()
    {
        // Given
        await SmallDataset(seed: 42).WriteAsync(_directory.Path, CancellationToken.None);

        // When
        var train = await ReadAsync("train");
        var validation = await ReadAsync("validation");
        var live = await ReadAsync("live");

        // Then
        Assert.Equal([.. Repeat("0001"), .. Repeat("0002")], train.Eras);
        Assert.Equal([.. Repeat("0003"), .. Repeat("0004")], validation.Eras);
        Assert.All(live.Eras, era => Assert.Equal("X", era));
        Assert.All(train.DataTypes, dataType => Assert.Equal("train", dataType));
        Assert.All(validation.DataTypes, dataType => Assert.Equal("validation", dataType));
        Assert.All(live.DataTypes, dataType => Assert.Equal("live", dataType));
    }

    [Fact]
    public async Task DatasetTargetsAreQuintiles()
    {
        // Given
        await SmallDataset(seed: 42).WriteAsync(_directory.Path, CancellationToken.None);

        // When
        var train = await ReadAsync("train");

        // Then
        var target = Assert.Single(train.Targets);
        Assert.Equal("target", target.Key);
        for (var era = 0; era < 2; era++)
        {
            var counts = target.Value.Skip(era * RowsPerEra).Take(RowsPerEra).CountBy(v => v).OrderBy(pair => pair.Key).ToArray();
            var distribution = string.Join(", ", counts.Select(pair => $"{pair.Key}: {pair.Value}"));
            Assert.True(counts.Select(pair => pair.Key).SequenceEqual([0, 0.25, 0.5, 0.75, 1]), $"era {era + 1} has targets {distribution}");
            Assert.True(counts.All(pair => pair.Value == RowsPerEra / 5), $"era {era + 1} has targets {distribution}");
        }
    }

    [Fact]
    public async Task ValidationLastEraHasNoTarget()
    {
        // Given
        await SmallDataset(seed: 42).WriteAsync(_directory.Path, CancellationToken.None);

        // When
        var validation = await ReadAsync("validation");
        var live = await ReadAsync("live");

        // Then
        var target = validation.Targets["target"];
        var firstEra = target[..RowsPerEra];
        var lastEra = target[RowsPerEra..];
        Assert.All(firstEra, value => Assert.False(double.IsNaN(value), "era 0003 has a NaN target"));
        Assert.All(lastEra, value => Assert.True(double.IsNaN(value), $"era 0004 has the target {value}"));
        Assert.Empty(live.Targets);
    }

    [Fact]
    public async Task FeaturesJsonListsFeatureSets()
    {
        // Given
        var dataset = SmallDataset(seed: 42);
        await dataset.WriteAsync(_directory.Path, CancellationToken.None);

        // When
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_directory.Path, "features.json")));

        // Then
        var sets = json.RootElement.GetProperty("feature_sets");
        var all = Strings(sets.GetProperty("all"));
        var small = Strings(sets.GetProperty("small"));
        var targets = Strings(json.RootElement.GetProperty("targets"));
        Assert.Equal(dataset.FeatureNames(), all);
        Assert.Equal(dataset.FeatureNames(), small);
        Assert.Equal(["target"], targets);
    }

    [Fact]
    public async Task SameSeedWritesIdenticalFiles()
    {
        // Given
        var first = Path.Combine(_directory.Path, "first");
        var second = Path.Combine(_directory.Path, "second");

        // When
        await SmallDataset(seed: 7).WriteAsync(first, CancellationToken.None);
        await SmallDataset(seed: 7).WriteAsync(second, CancellationToken.None);

        // Then
        foreach (var name in FileNames)
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(first, name));
            var actual = await File.ReadAllBytesAsync(Path.Combine(second, name));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} differs between two runs with seed 7");
        }
    }

    [Fact]
    public async Task OtherSeedWritesOtherData()
    {
        // Given
        var first = Path.Combine(_directory.Path, "first");
        var second = Path.Combine(_directory.Path, "second");

        // When
        await SmallDataset(seed: 7).WriteAsync(first, CancellationToken.None);
        await SmallDataset(seed: 8).WriteAsync(second, CancellationToken.None);

        // Then
        foreach (var name in new[] { "train", "validation", "live" })
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(first, $"{name}.parquet"));
            var actual = await File.ReadAllBytesAsync(Path.Combine(second, $"{name}.parquet"));
            Assert.False(expected.AsSpan().SequenceEqual(actual), $"{name}.parquet is the same for seeds 7 and 8");
        }

        var firstIds = (await ParquetFeatureReader.ReadAsync(Path.Combine(first, "live.parquet"), CancellationToken.None)).Ids;
        var secondIds = (await ParquetFeatureReader.ReadAsync(Path.Combine(second, "live.parquet"), CancellationToken.None)).Ids;
        Assert.Empty(firstIds.Intersect(secondIds, StringComparer.Ordinal));
    }

    private static SyntheticDataset SmallDataset(int seed) => new()
    {
        Seed = seed,
        LiveRows = 50,
        FeatureCount = 7,
        TrainEras = 2,
        ValidationEras = 2,
        RowsPerEra = RowsPerEra,
    };

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(item => item.GetString() ?? "(null)").ToArray();

    private static IEnumerable<string> Repeat(string era) => Enumerable.Repeat(era, RowsPerEra);

    private Task<FeatureTable> ReadAsync(string name) =>
        ParquetFeatureReader.ReadAsync(Path.Combine(_directory.Path, $"{name}.parquet"), CancellationToken.None);

    [GeneratedRegex("^n[0-9a-f]{15}$")]
    private static partial Regex IdPattern();
}
