namespace ModelUploads.Data;

/// <summary>
/// Rows of a Numerai-layout file held in memory: ids, eras, data types, and the
/// feature matrix in row-major order. Missing feature values are NaN.
/// </summary>
public sealed class FeatureTable
{
    public FeatureTable(
        IReadOnlyList<string> ids,
        IReadOnlyList<string> eras,
        IReadOnlyList<string> dataTypes,
        IReadOnlyList<string> featureNames,
        float[] values,
        IReadOnlyDictionary<string, double[]> targets)
    {
        if (eras.Count != ids.Count || dataTypes.Count != ids.Count)
        {
            throw new ArgumentException($"ids ({ids.Count}), eras ({eras.Count}) and data types ({dataTypes.Count}) must have one entry per row.");
        }

        if (values.Length != ids.Count * featureNames.Count)
        {
            throw new ArgumentException($"the feature matrix has {values.Length} values; {ids.Count} rows x {featureNames.Count} features need {ids.Count * featureNames.Count}.");
        }

        Ids = ids;
        Eras = eras;
        DataTypes = dataTypes;
        FeatureNames = featureNames;
        Values = values;
        Targets = targets;
    }

    public IReadOnlyList<string> Ids { get; }
    public IReadOnlyList<string> Eras { get; }
    public IReadOnlyList<string> DataTypes { get; }
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Row-major feature values: row i, feature j is at i * FeatureNames.Count + j.</summary>
    public float[] Values { get; }

    /// <summary>The `target` and `target_*` columns, NaN where missing.</summary>
    public IReadOnlyDictionary<string, double[]> Targets { get; }

    public int RowCount => Ids.Count;

    /// <summary>Copies rows [start, start + count) into a new table.</summary>
    public FeatureTable Slice(int start, int count)
    {
        var values = Values.AsSpan(start * FeatureCount, count * FeatureCount).ToArray();
        var targets = Targets.ToDictionary(t => t.Key, t => t.Value.AsSpan(start, count).ToArray());
        return new FeatureTable(
            Ids.Skip(start).Take(count).ToArray(),
            Eras.Skip(start).Take(count).ToArray(),
            DataTypes.Skip(start).Take(count).ToArray(),
            FeatureNames,
            values,
            targets);
    }

    public int FeatureCount => FeatureNames.Count;
}
