using ModelUploads.Diagnostics;
using ModelUploads.Runs;

namespace ModelUploads.Tests.Unit;

public sealed class DiagnosticsCalculatorTests
{
    private const double Tolerance = 1e-15;

    private static readonly double[] AscendingPredictions = [0.1, 0.2, 0.3, 0.4, 0.5];

    private static readonly double[] DescendingPredictions = [0.5, 0.4, 0.3, 0.2, 0.1];

    private static readonly double[] EraTargets = [0.0, 0.25, 0.5, 0.75, 1.0];

    [Fact]
    public void ComputeGivesTiedPredictionsTheirMeanRank()
    {
        // Given two tied middle predictions. Their average ranks 2.5 and 2.5 gaussianize to 0,
        // so the correlation with targets (0, 1, 0, 1) or (0, 0, 1, 1) is exactly 1 / sqrt(2).
        string[] eras = ["a", "a", "a", "a", "b", "b", "b", "b"];
        double[] predictions = [0.1, 0.5, 0.5, 0.9, 0.1, 0.5, 0.5, 0.9];
        double[] targets = [0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];

        // When
        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        // Then
        Assert.Equal(2, diagnostics.Eras.Count);
        AssertClose(1.0 / Math.Sqrt(2.0), diagnostics.Eras[0].Correlation, "correlation of era a");
        AssertClose(1.0 / Math.Sqrt(2.0), diagnostics.Eras[1].Correlation, "correlation of era b");
    }

    [Fact]
    public void ComputeGivesPositiveCorrelationWhenPredictionsFollowTargets()
    {
        // Given
        var eras = Enumerable.Repeat("era1", 5).ToArray();

        // When
        var ascending = ComputeWithoutFeatures(eras, AscendingPredictions, EraTargets);
        var descending = ComputeWithoutFeatures(eras, DescendingPredictions, EraTargets);

        // Then the power 1.5 bends both sides differently, so the correlation is high but below 1.
        var correlation = ascending.Eras[0].Correlation;
        Assert.True(correlation is > 0.99 and < 1.0, $"correlation {correlation:R}, expected in (0.99, 1)");
        AssertClose(-correlation, descending.Eras[0].Correlation, "correlation of reversed predictions");
        Assert.Equal(5, ascending.Eras[0].Rows);
    }

    [Fact]
    public void ComputeSummarizesKnownSequence()
    {
        // Given era correlations c, c and -c
        var c = SingleEraCorrelation();
        var (eras, predictions, targets) = Sequence(+1, +1, -1);

        // When
        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        // Then the mean is c / 3, the population deviation c * sqrt(8) / 3 and the Sharpe 1 / sqrt(8).
        AssertClose(c / 3.0, diagnostics.Mean, "mean");
        AssertClose(c * Math.Sqrt(8.0) / 3.0, diagnostics.StandardDeviation, "standard deviation");
        AssertClose(1.0 / Math.Sqrt(8.0), diagnostics.Sharpe, "Sharpe");
        AssertClose(c, diagnostics.MaxDrawdown, "max drawdown");
        Assert.Equal(15, diagnostics.Rows);
    }

    [Fact]
    public void MaxDrawdownMeasuresDropFromRunningPeak()
    {
        // Given era correlations c, c, -c, -c, -c, c, whose cumulative sum peaks at 2c and falls to -c
        var c = SingleEraCorrelation();
        var (eras, predictions, targets) = Sequence(+1, +1, -1, -1, -1, +1);

        // When
        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        // Then
        AssertClose(3.0 * c, diagnostics.MaxDrawdown, "max drawdown");
    }

    [Fact]
    public void MaxDrawdownCountsLossesFromZeroPeak()
    {
        // Given era correlations -c, -c, c, whose cumulative sum never rises above its start at 0
        var c = SingleEraCorrelation();
        var (eras, predictions, targets) = Sequence(-1, -1, +1);

        // When
        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        // Then
        AssertClose(2.0 * c, diagnostics.MaxDrawdown, "max drawdown");
    }

    [Fact]
    public void MaxDrawdownIsZeroWhenEveryEraGains()
    {
        var (eras, predictions, targets) = Sequence(+1, +1, +1);

        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        Assert.True(diagnostics.MaxDrawdown == 0.0, $"max drawdown {diagnostics.MaxDrawdown:R}, expected 0");
    }

    [Fact]
    public void ComputeLeavesOutRowsWithoutTarget()
    {
        // Given the tie case of era a plus one row without a target whose prediction would change
        // the ranks, and an era b with no target at all
        string[] eras = ["a", "a", "a", "a", "a", "b", "b"];
        double[] predictions = [0.1, 0.5, 0.5, 0.9, 0.3, 0.2, 0.8];
        double[] targets = [0.0, 1.0, 0.0, 1.0, double.NaN, double.NaN, double.NaN];

        // When
        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        // Then
        var era = Assert.Single(diagnostics.Eras);
        Assert.Equal("a", era.Era);
        Assert.Equal(4, era.Rows);
        AssertClose(1.0 / Math.Sqrt(2.0), era.Correlation, "correlation of era a");
        Assert.Equal(4, diagnostics.Rows);
    }

    [Fact]
    public void ComputeSortsErasOrdinally()
    {
        // Given
        string[] names = ["b", "era2", "a", "B", "era10"];
        var eras = names.SelectMany(name => Enumerable.Repeat(name, 5)).ToArray();
        var predictions = names.SelectMany(_ => AscendingPredictions).ToArray();
        var targets = names.SelectMany(_ => EraTargets).ToArray();

        // When
        var diagnostics = ComputeWithoutFeatures(eras, predictions, targets);

        // Then
        Assert.Equal(["B", "a", "b", "era10", "era2"], diagnostics.Eras.Select(era => era.Era).ToArray());
    }

    [Fact]
    public void ComputeGivesZeroWhenEraPredictionsAreConstant()
    {
        var eras = Enumerable.Repeat("era1", 5).ToArray();

        var diagnostics = ComputeWithoutFeatures(eras, [0.5, 0.5, 0.5, 0.5, 0.5], EraTargets);

        var era = Assert.Single(diagnostics.Eras);
        Assert.True(era.Correlation == 0.0, $"correlation {era.Correlation:R}, expected 0");
        Assert.True(diagnostics.Sharpe == 0.0, $"Sharpe {diagnostics.Sharpe:R}, expected 0");
    }

    [Fact]
    public void ComputeGivesZerosWhenNoRowHasTarget()
    {
        var diagnostics = ComputeWithoutFeatures(["a", "b"], [0.1, 0.9], [double.NaN, double.NaN]);

        Assert.Empty(diagnostics.Eras);
        Assert.Equal(0, diagnostics.Rows);
        Assert.True(diagnostics.Mean == 0.0, $"mean {diagnostics.Mean:R}, expected 0");
        Assert.True(diagnostics.StandardDeviation == 0.0, $"standard deviation {diagnostics.StandardDeviation:R}, expected 0");
        Assert.True(diagnostics.Sharpe == 0.0, $"Sharpe {diagnostics.Sharpe:R}, expected 0");
        Assert.True(diagnostics.MaxDrawdown == 0.0, $"max drawdown {diagnostics.MaxDrawdown:R}, expected 0");
    }

    [Fact]
    public void ExposureIsOneWhenPredictionEqualsFeature()
    {
        // Given three features per row: an unrelated one, a copy of the prediction and a constant
        var eras = Enumerable.Repeat("era1", 5).ToArray();
        double[] predictions = [1.0, 3.0, 0.0, 4.0, 2.0];
        float[] features =
        [
            3, 1, 2,
            1, 3, 2,
            4, 0, 2,
            1, 4, 2,
            0, 2, 2,
        ];

        // When
        var diagnostics = DiagnosticsCalculator.Compute(eras, predictions, EraTargets, features, 3, ["noise", "copy", "constant"]);

        // Then
        AssertClose(1.0, diagnostics.MaxFeatureExposure, "max feature exposure");
        Assert.Equal("copy", diagnostics.MaxExposureFeature);
    }

    [Fact]
    public void ExposureIsOneWhenPredictionMirrorsFeature()
    {
        var eras = Enumerable.Repeat("era1", 5).ToArray();
        double[] predictions = [1.0, 3.0, 0.0, 4.0, 2.0];
        float[] features = [3, 1, 4, 0, 2];

        var diagnostics = DiagnosticsCalculator.Compute(eras, predictions, EraTargets, features, 1, ["mirror"]);

        AssertClose(1.0, diagnostics.MaxFeatureExposure, "max feature exposure");
        Assert.Equal("mirror", diagnostics.MaxExposureFeature);
    }

    [Fact]
    public void ExposureSkipsMissingFeatureValues()
    {
        // Given a feature that equals the prediction in every row where the feature is present
        var eras = Enumerable.Repeat("era1", 6).ToArray();
        double[] predictions = [1.0, 3.0, 0.0, 4.0, 2.0, 1.0];
        double[] targets = [0.0, 0.25, 0.5, 0.75, 1.0, 0.5];
        float[] features = [1, float.NaN, 0, 4, float.NaN, 1];

        // When
        var diagnostics = DiagnosticsCalculator.Compute(eras, predictions, targets, features, 1, ["sparse"]);

        // Then
        AssertClose(1.0, diagnostics.MaxFeatureExposure, "max feature exposure");
        Assert.Equal("sparse", diagnostics.MaxExposureFeature);
    }

    [Fact]
    public void ExposureLeavesOutRowsWithoutTarget()
    {
        // Given a feature that differs from the prediction only in rows without a target
        var eras = Enumerable.Repeat("era1", 6).ToArray();
        double[] predictions = [1.0, 3.0, 0.0, 4.0, 2.0, 1.0];
        double[] targets = [0.0, double.NaN, 0.5, 0.75, 1.0, double.NaN];
        float[] features = [1, 0, 0, 4, 2, 4];

        // When
        var diagnostics = DiagnosticsCalculator.Compute(eras, predictions, targets, features, 1);

        // Then
        AssertClose(1.0, diagnostics.MaxFeatureExposure, "max feature exposure");
        Assert.Null(diagnostics.MaxExposureFeature);
    }

    [Fact]
    public void ExposureIsZeroWhenNoFeatureVaries()
    {
        var eras = Enumerable.Repeat("era1", 5).ToArray();
        float[] features = [2, float.NaN, 2, 2, 2, 2, 2, float.NaN, 2, 2];

        var diagnostics = DiagnosticsCalculator.Compute(eras, AscendingPredictions, EraTargets, features, 2, ["f0", "f1"]);

        Assert.True(diagnostics.MaxFeatureExposure == 0.0, $"max feature exposure {diagnostics.MaxFeatureExposure:R}, expected 0");
        Assert.Null(diagnostics.MaxExposureFeature);
    }

    [Fact]
    public void ComputeRejectsMismatchedRowCounts()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ComputeWithoutFeatures(["a", "a", "a"], [0.1, 0.2, 0.3], [0.0, 1.0]));

        Assert.Contains("3, 3 and 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeRejectsWrongFeatureLength()
    {
        var error = Assert.Throws<ArgumentException>(
            () => DiagnosticsCalculator.Compute(["a", "a"], [0.1, 0.2], [0.0, 1.0], [1, 2, 3], 2));

        Assert.Equal("features", error.ParamName);
        Assert.Contains("need 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeRejectsWrongFeatureNameCount()
    {
        var error = Assert.Throws<ArgumentException>(
            () => DiagnosticsCalculator.Compute(["a", "a"], [0.1, 0.2], [0.0, 1.0], [1, 2], 1, ["f0", "f1"]));

        Assert.Equal("featureNames", error.ParamName);
    }

    [Fact]
    public void ComputeRejectsNaNPrediction()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ComputeWithoutFeatures(["a", "a"], [0.1, double.NaN], [0.0, 1.0]));

        Assert.Equal("predictions", error.ParamName);
        Assert.Contains("row 1 is NaN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeRejectsInfiniteTarget()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ComputeWithoutFeatures(["a", "a"], [0.1, 0.2], [double.PositiveInfinity, 1.0]));

        Assert.Equal("targets", error.ParamName);
    }

    private static ValidationDiagnostics ComputeWithoutFeatures(string[] eras, double[] predictions, double[] targets) =>
        DiagnosticsCalculator.Compute(eras, predictions, targets, [], 0);

    /// <summary>Computes the correlation of one era of ascending predictions on <see cref="EraTargets"/>.</summary>
    private static double SingleEraCorrelation()
    {
        var diagnostics = ComputeWithoutFeatures(Enumerable.Repeat("era1", 5).ToArray(), AscendingPredictions, EraTargets);
        return diagnostics.Eras[0].Correlation;
    }

    /// <summary>
    /// Builds eras era1, era2, ... of five rows each, whose correlation is +c for a sign of +1 and
    /// -c for -1. There are at most nine eras, so that ordinal order is the numeric order.
    /// </summary>
    private static (string[] Eras, double[] Predictions, double[] Targets) Sequence(params int[] signs)
    {
        Assert.True(signs.Length <= 9, $"{signs.Length} eras, at most 9 keep ordinal and numeric order equal");
        var eras = new List<string>();
        var predictions = new List<double>();
        var targets = new List<double>();
        for (var i = 0; i < signs.Length; i++)
        {
            eras.AddRange(Enumerable.Repeat($"era{i + 1}", 5));
            predictions.AddRange(signs[i] > 0 ? AscendingPredictions : DescendingPredictions);
            targets.AddRange(EraTargets);
        }

        return (eras.ToArray(), predictions.ToArray(), targets.ToArray());
    }

    private static void AssertClose(double expected, double actual, string quantity) =>
        Assert.True(
            Math.Abs(actual - expected) <= Tolerance,
            $"{quantity} is {actual:R}, expected {expected:R} within {Tolerance:R}");
}
