using System.Globalization;
using ModelUploads.Runs;

namespace ModelUploads.Diagnostics;

/// <summary>
/// Computes Numerai's validation diagnostics. Each era's correlation is the Pearson correlation
/// of the gaussianized prediction ranks with the era-centred target, both raised to the power 1.5
/// keeping the sign. The summary is the mean, population standard deviation, Sharpe ratio and
/// maximum drawdown of those correlations, plus the largest exposure of the predictions to one feature.
/// </summary>
internal static class DiagnosticsCalculator
{
    private const double Exponent = 1.5;

    /// <summary>
    /// Computes the diagnostics of row-aligned eras, predictions and targets. A NaN target
    /// marks a row that every statistic leaves out, so an era without any target is left out.
    /// Features are row-major (row i, feature j at i * featureCount + j) and NaN marks a
    /// missing value.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lengths disagree, a prediction is NaN or infinite, or a target or a feature value is infinite.
    /// </exception>
    public static ValidationDiagnostics Compute(
        IReadOnlyList<string> eras,
        IReadOnlyList<double> predictions,
        IReadOnlyList<double> targets,
        float[] features,
        int featureCount,
        IReadOnlyList<string>? featureNames = null)
    {
        ValidateArguments(eras, predictions, targets, features, featureCount, featureNames);

        var eraCorrelations = ComputeEraCorrelations(eras, predictions, targets);
        var correlations = eraCorrelations.Select(era => era.Correlation).ToArray();
        var mean = Mean(correlations);
        var standardDeviation = PopulationStandardDeviation(correlations, mean);
        var (exposure, exposureFeature) = ComputeMaxFeatureExposure(predictions, targets, features, featureCount);

        return new ValidationDiagnostics
        {
            Eras = eraCorrelations,
            Mean = mean,
            StandardDeviation = standardDeviation,
            Sharpe = standardDeviation > 0.0 ? mean / standardDeviation : 0.0,
            MaxDrawdown = MaxDrawdown(correlations),
            MaxFeatureExposure = exposure,
            MaxExposureFeature = exposureFeature >= 0 ? featureNames?[exposureFeature] : null,
            Rows = eraCorrelations.Sum(era => era.Rows),
        };
    }

    private static void ValidateArguments(
        IReadOnlyList<string> eras,
        IReadOnlyList<double> predictions,
        IReadOnlyList<double> targets,
        float[] features,
        int featureCount,
        IReadOnlyList<string>? featureNames)
    {
        ArgumentNullException.ThrowIfNull(eras);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);

        if (predictions.Count != eras.Count || targets.Count != eras.Count)
        {
            throw new ArgumentException(
                $"Eras, predictions and targets need one entry per row, but have {eras.Count}, {predictions.Count} "
                + $"and {targets.Count} entries.",
                nameof(predictions));
        }

        var expectedFeatureValues = (long)eras.Count * featureCount;
        if (features.LongLength != expectedFeatureValues)
        {
            throw new ArgumentException(
                $"Features has {features.LongLength} values, but {eras.Count} rows of {featureCount} features "
                + $"need {expectedFeatureValues}.",
                nameof(features));
        }

        if (featureNames is not null && featureNames.Count != featureCount)
        {
            throw new ArgumentException(
                $"There are {featureNames.Count} feature names for {featureCount} features.", nameof(featureNames));
        }

        for (var row = 0; row < eras.Count; row++)
        {
            if (!double.IsFinite(predictions[row]))
            {
                throw new ArgumentException(
                    $"The prediction of row {row} is {Format(predictions[row])}. "
                    + "Every prediction must be a finite number.",
                    nameof(predictions));
            }

            if (double.IsInfinity(targets[row]))
            {
                throw new ArgumentException(
                    $"The target of row {row} is {Format(targets[row])}. "
                    + "A target must be a finite number, or NaN when missing.",
                    nameof(targets));
            }
        }
    }

    /// <summary>Computes the correlation of every era that has a target, sorted by era name (ordinal).</summary>
    private static EraCorrelation[] ComputeEraCorrelations(
        IReadOnlyList<string> eras, IReadOnlyList<double> predictions, IReadOnlyList<double> targets)
    {
        var rowsByEra = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var row = 0; row < eras.Count; row++)
        {
            if (double.IsNaN(targets[row]))
            {
                continue;
            }

            if (!rowsByEra.TryGetValue(eras[row], out var rows))
            {
                rows = [];
                rowsByEra.Add(eras[row], rows);
            }

            rows.Add(row);
        }

        return rowsByEra
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new EraCorrelation(
                pair.Key, CorrelateEra(pair.Value, predictions, targets), pair.Value.Count))
            .ToArray();
    }

    /// <summary>Computes Numerai's correlation of one era from the rows of that era that have a target.</summary>
    private static double CorrelateEra(List<int> rows, IReadOnlyList<double> predictions, IReadOnlyList<double> targets)
    {
        var count = rows.Count;
        var eraPredictions = new double[count];
        var eraTargets = new double[count];
        for (var i = 0; i < count; i++)
        {
            eraPredictions[i] = predictions[rows[i]];
            eraTargets[i] = targets[rows[i]];
        }

        // NOTE: the correlation is undefined when the era's predictions or targets are all equal,
        // which includes an era with one row. Such an era counts as 0 so that the summary stays finite.
        if (IsConstant(eraPredictions) || IsConstant(eraTargets))
        {
            return 0.0;
        }

        var ranks = AverageRanks(eraPredictions);
        var gaussianized = new double[count];
        for (var i = 0; i < count; i++)
        {
            gaussianized[i] = SignedPower(InverseNormal.Quantile((ranks[i] - 0.5) / count));
        }

        var targetMean = Mean(eraTargets);
        var centredTargets = new double[count];
        for (var i = 0; i < count; i++)
        {
            centredTargets[i] = SignedPower(eraTargets[i] - targetMean);
        }

        return Pearson(gaussianized, centredTargets);
    }

    /// <summary>Computes one-based ranks in which tied values share the mean of their ranks.</summary>
    private static double[] AverageRanks(double[] values)
    {
        var sorted = (double[])values.Clone();
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(sorted, order);

        var ranks = new double[values.Length];
        var start = 0;
        while (start < sorted.Length)
        {
            var end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[start])
            {
                end++;
            }

            // Sorted positions start to end - 1 hold one value and share the mean of ranks start + 1 to end.
            var rank = (start + 1 + end) / 2.0;
            for (var position = start; position < end; position++)
            {
                ranks[order[position]] = rank;
            }

            start = end;
        }

        return ranks;
    }

    /// <summary>
    /// Computes the largest absolute Pearson correlation between the predictions and one feature
    /// over the rows with a target, leaving out per feature the rows where that feature is NaN.
    /// Returns 0 and feature -1 when no feature varies together with the predictions.
    /// </summary>
    private static (double Exposure, int Feature) ComputeMaxFeatureExposure(
        IReadOnlyList<double> predictions, IReadOnlyList<double> targets, float[] features, int featureCount)
    {
        // The data is row-major, so both passes walk it row by row and keep one accumulator per feature.
        var counts = new long[featureCount];
        var predictionSums = new double[featureCount];
        var featureSums = new double[featureCount];
        var firstPredictions = new double[featureCount];
        var firstFeatures = new double[featureCount];
        var predictionsVary = new bool[featureCount];
        var featuresVary = new bool[featureCount];

        for (var row = 0; row < predictions.Count; row++)
        {
            if (double.IsNaN(targets[row]))
            {
                continue;
            }

            var prediction = predictions[row];
            var offset = (long)row * featureCount;
            for (var feature = 0; feature < featureCount; feature++)
            {
                double value = features[offset + feature];
                if (double.IsNaN(value))
                {
                    continue;
                }

                if (double.IsInfinity(value))
                {
                    throw new ArgumentException(
                        $"Feature {feature} of row {row} is {Format(value)}. A feature value must be a finite number, "
                        + "or NaN when missing.",
                        nameof(features));
                }

                if (counts[feature] == 0)
                {
                    firstPredictions[feature] = prediction;
                    firstFeatures[feature] = value;
                }
                else
                {
                    predictionsVary[feature] |= prediction != firstPredictions[feature];
                    featuresVary[feature] |= value != firstFeatures[feature];
                }

                counts[feature]++;
                predictionSums[feature] += prediction;
                featureSums[feature] += value;
            }
        }

        // The second pass sums products of deviations from the means, which keeps the
        // precision that a single pass over raw sums of squares would lose.
        var predictionMeans = new double[featureCount];
        var featureMeans = new double[featureCount];
        for (var feature = 0; feature < featureCount; feature++)
        {
            predictionMeans[feature] = counts[feature] > 0 ? predictionSums[feature] / counts[feature] : 0.0;
            featureMeans[feature] = counts[feature] > 0 ? featureSums[feature] / counts[feature] : 0.0;
        }

        var crossProducts = new double[featureCount];
        var predictionSquares = new double[featureCount];
        var featureSquares = new double[featureCount];
        for (var row = 0; row < predictions.Count; row++)
        {
            if (double.IsNaN(targets[row]))
            {
                continue;
            }

            var offset = (long)row * featureCount;
            for (var feature = 0; feature < featureCount; feature++)
            {
                double value = features[offset + feature];
                if (double.IsNaN(value))
                {
                    continue;
                }

                var predictionDeviation = predictions[row] - predictionMeans[feature];
                var featureDeviation = value - featureMeans[feature];
                crossProducts[feature] += predictionDeviation * featureDeviation;
                predictionSquares[feature] += predictionDeviation * predictionDeviation;
                featureSquares[feature] += featureDeviation * featureDeviation;
            }
        }

        var maxExposure = 0.0;
        var maxFeature = -1;
        for (var feature = 0; feature < featureCount; feature++)
        {
            if (!predictionsVary[feature] || !featuresVary[feature])
            {
                continue;
            }

            var correlation = Correlation(crossProducts[feature], predictionSquares[feature], featureSquares[feature]);
            var exposure = Math.Abs(correlation);
            if (exposure > maxExposure)
            {
                maxExposure = exposure;
                maxFeature = feature;
            }
        }

        return (maxExposure, maxFeature);
    }

    /// <summary>
    /// Computes the largest drop of the cumulative sum below its running peak, with the peak
    /// starting at 0 so that losses from the first era count.
    /// </summary>
    private static double MaxDrawdown(double[] correlations)
    {
        var cumulative = 0.0;
        var peak = 0.0;
        var maxDrawdown = 0.0;
        foreach (var correlation in correlations)
        {
            cumulative += correlation;
            peak = Math.Max(peak, cumulative);
            maxDrawdown = Math.Max(maxDrawdown, peak - cumulative);
        }

        return maxDrawdown;
    }

    private static double Pearson(double[] x, double[] y)
    {
        var meanX = Mean(x);
        var meanY = Mean(y);
        var crossProduct = 0.0;
        var squaresX = 0.0;
        var squaresY = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var deviationX = x[i] - meanX;
            var deviationY = y[i] - meanY;
            crossProduct += deviationX * deviationY;
            squaresX += deviationX * deviationX;
            squaresY += deviationY * deviationY;
        }

        return Correlation(crossProduct, squaresX, squaresY);
    }

    /// <summary>
    /// Computes a Pearson correlation from sums of deviation products, clamped to [-1, 1]
    /// against rounding, or 0 when either sum of squares is 0.
    /// </summary>
    private static double Correlation(double crossProduct, double squaresX, double squaresY)
    {
        var denominator = Math.Sqrt(squaresX) * Math.Sqrt(squaresY);
        return denominator > 0.0 ? Math.Clamp(crossProduct / denominator, -1.0, 1.0) : 0.0;
    }

    private static double PopulationStandardDeviation(double[] values, double mean)
    {
        if (values.Length == 0)
        {
            return 0.0;
        }

        var squares = 0.0;
        foreach (var value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }

    private static double Mean(double[] values) => values.Length == 0 ? 0.0 : values.Sum() / values.Length;

    private static bool IsConstant(double[] values) => values.All(value => value == values[0]);

    private static double SignedPower(double value) => Math.CopySign(Math.Pow(Math.Abs(value), Exponent), value);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
