namespace ModelUploads.Data;

/// <summary>
/// The rows of a chunked staging folder read back on the host: ids, eras, the
/// `target` column (NaN where missing) and the feature matrix, row-major.
/// </summary>
public sealed class StagedRows
{
    private StagedRows(List<string> ids, List<string> eras, double[] target, float[] features, IReadOnlyList<string> featureNames)
    {
        Ids = ids;
        Eras = eras;
        Target = target;
        Features = features;
        FeatureNames = featureNames;
    }

    public IReadOnlyList<string> Ids { get; }
    public IReadOnlyList<string> Eras { get; }
    public double[] Target { get; }
    public float[] Features { get; }
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Reads every chunk of DIRECTORY/chunks in order.</summary>
    /// <exception cref="InvalidDataException">A chunk has no `target` column or other features than the first.</exception>
    public static StagedRows Read(string directory)
    {
        var ids = new List<string>();
        var eras = new List<string>();
        var targets = new List<double>();
        var features = new List<float>();
        IReadOnlyList<string>? featureNames = null;
        foreach (var chunk in StagedFeatures.ChunkDirectories(directory))
        {
            var metadata = StagedFeatures.ReadMetadata(chunk);
            featureNames ??= metadata.FeatureNames;
            if (!featureNames.SequenceEqual(metadata.FeatureNames))
            {
                throw new InvalidDataException($"{chunk} has other feature columns than the first chunk.");
            }

            var targetIndex = metadata.TargetNames.ToList().IndexOf("target");
            if (targetIndex < 0)
            {
                throw new InvalidDataException($"{chunk} has no 'target' column; validation data needs one.");
            }

            var (targetValues, targetShape) = NpyReader.ReadFloat64(Path.Combine(chunk, StagedFeatures.TargetsFile));
            for (var i = 0; i < targetShape[0]; i++)
            {
                targets.Add(targetValues[i * targetShape[1] + targetIndex]);
            }

            ids.AddRange(metadata.Ids);
            eras.AddRange(metadata.Eras);
            features.AddRange(NpyReader.ReadAsFloat32(Path.Combine(chunk, StagedFeatures.MatrixFile)).Values);
        }

        return new StagedRows(ids, eras, targets.ToArray(), features.ToArray(), featureNames ?? []);
    }
}
