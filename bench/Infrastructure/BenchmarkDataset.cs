using ModelUploads.Data;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>A synthetic dataset in Numerai's layout, with its training and live files staged for the model makers.</summary>
public sealed class BenchmarkDataset
{
    private BenchmarkDataset(string directory, IReadOnlyList<string> featureNames)
    {
        Directory = directory;
        FeatureNames = featureNames;
    }

    public string Directory { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public string LiveFile => Path.Combine(Directory, "live.parquet");

    public string ValidationFile => Path.Combine(Directory, "validation.parquet");

    /// <summary>The training file staged as the sandbox reads features, for training inside the image.</summary>
    public string StagedTrainDirectory => Path.Combine(Directory, "staged-train");

    /// <summary>Writes the dataset and stages its training file.</summary>
    public static async Task<BenchmarkDataset> CreateAsync(string directory, SyntheticDataset shape)
    {
        await shape.WriteAsync(directory, CancellationToken.None);
        var train = await ParquetFeatureReader.ReadAsync(Path.Combine(directory, "train.parquet"), CancellationToken.None);
        var dataset = new BenchmarkDataset(directory, shape.FeatureNames());
        StagedFeatures.Write(train, dataset.StagedTrainDirectory);
        return dataset;
    }
}
