namespace ModelUploads.Runs;

/// <summary>
/// Numerai's validation diagnostics of a model's predictions: the correlation of each era
/// with a target, their summary statistics and the largest exposure to a single feature.
/// </summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.ValidationDiagnostics")]
public sealed record ValidationDiagnostics
{
    /// <summary>Eras with at least one target, sorted by era name (ordinal).</summary>
    [Id(0)] public required IReadOnlyList<EraCorrelation> Eras { get; init; }

    /// <summary>Mean of the era correlations, or 0 when there are no eras.</summary>
    [Id(1)] public required double Mean { get; init; }

    /// <summary>Population standard deviation (ddof 0) of the era correlations.</summary>
    [Id(2)] public required double StandardDeviation { get; init; }

    /// <summary>Mean divided by standard deviation, or 0 when the standard deviation is 0.</summary>
    [Id(3)] public required double Sharpe { get; init; }

    /// <summary>
    /// Largest drop of the cumulative sum of era correlations below its running peak, which
    /// starts at 0. It is 0 or positive.
    /// </summary>
    [Id(4)] public required double MaxDrawdown { get; init; }

    /// <summary>
    /// Largest absolute Pearson correlation between the predictions and one feature over
    /// the rows with a target, or 0 when no feature varies.
    /// </summary>
    [Id(5)] public required double MaxFeatureExposure { get; init; }

    /// <summary>Name of the feature with the largest exposure, or null when the names are unknown or no feature varies.</summary>
    [Id(6)] public string? MaxExposureFeature { get; init; }

    /// <summary>Number of rows with a target, which are the rows every statistic uses.</summary>
    [Id(7)] public required int Rows { get; init; }
}
