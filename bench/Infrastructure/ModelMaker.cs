namespace ModelUploads.Bench.Infrastructure;

/// <summary>
/// Makes the benchmark's pickles with real cloudpickle inside the runtime image, from
/// bench/models/make_model.py and the main job's sandbox/examples/train_model.py.
/// </summary>
public sealed class ModelMaker(string workDirectory, string repositoryRoot, string image)
{
    private static readonly TimeSpan MakeTimeout = TimeSpan.FromMinutes(30);

    /// <summary>A predict that ranks the dataset's first feature: the least work a valid model can do.</summary>
    public Task<string> CheapAsync(BenchmarkDataset dataset) =>
        MakeAsync(dataset, "cheap.pkl", ["cheap", "--first-feature", dataset.FeatureNames[0]]);

    /// <summary>The main job's xgboost model: 60 trees of depth 4 on every feature.</summary>
    public async Task<string> TypicalXgboostAsync(BenchmarkDataset dataset)
    {
        var output = OutputDirectory(dataset, "typical-xgboost");
        var path = Path.Combine(output, "model.pkl");
        if (!File.Exists(path))
        {
            await CommandRunner.RunCheckedAsync("docker", [
                "run", "--rm", "--network", "none", "--user", "10001:10001",
                "-v", $"{dataset.StagedTrainDirectory}:/input:ro", "-v", $"{output}:/output",
                "-v", $"{Path.Combine(repositoryRoot, "sandbox", "examples")}:/examples:ro",
                image, "python3", "/examples/train_model.py", "--model", "xgboost",
            ], MakeTimeout);
        }

        return path;
    }

    /// <summary>An xgboost model of the given size on the first features (0 means every feature).</summary>
    public Task<string> XgboostAsync(BenchmarkDataset dataset, int trees, int features) =>
        MakeAsync(dataset, $"xgboost-{trees}-trees-{features}-features.pkl", [
            "xgboost", "--trees", trees.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--features", features.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);

    /// <summary>The cheap predict with a random payload, so that the pickle is exactly the given size.</summary>
    public Task<string> PaddedAsync(BenchmarkDataset dataset, long bytes) =>
        MakeAsync(dataset, $"padded-{bytes}.pkl", [
            "padded", "--first-feature", dataset.FeatureNames[0],
            "--bytes", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);

    private async Task<string> MakeAsync(BenchmarkDataset dataset, string fileName, IReadOnlyList<string> arguments)
    {
        var output = OutputDirectory(dataset, "models");
        var path = Path.Combine(output, fileName);
        if (File.Exists(path))
        {
            return path;
        }

        await CommandRunner.RunCheckedAsync("docker", [
            "run", "--rm", "--network", "none", "--user", "10001:10001",
            "-v", $"{dataset.StagedTrainDirectory}:/input:ro", "-v", $"{output}:/output",
            "-v", $"{Path.Combine(repositoryRoot, "bench", "models")}:/bench:ro",
            image, "python3", "/bench/make_model.py", .. arguments, "--output", "/output/" + fileName,
        ], MakeTimeout);
        return path;
    }

    private string OutputDirectory(BenchmarkDataset dataset, string name)
    {
        var output = Path.Combine(workDirectory, Path.GetFileName(dataset.Directory) + "-" + name);
        Directory.CreateDirectory(output);
        File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        return output;
    }
}
