using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelUploads.Diagnostics;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// DiagnosticsCalculator against an independent implementation of the same formulas with
/// pandas, scipy.stats.rankdata, scipy.stats.norm.ppf and numpy.corrcoef
/// (Pickles/reference_diagnostics.py), run inside the Python 3.11 runtime image.
/// </summary>
public sealed class DiagnosticsReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-9;
    private const int Seed = 20_240_611;
    private const int FeatureCount = 10;
    private const string EraWithoutTargets = "era11";

    // Listed out of ordinal order. Era 11 has no target at all, so both sides must leave it out.
    private static readonly string[] EraNames = ["era3", "era1", "era10", "era2", "era12", "era20", EraWithoutTargets];

    // How strongly each era's predictions follow its target. The signs mix so that the
    // cumulative correlation falls between peaks and the maximum drawdown is not 0.
    private static readonly double[] TargetWeights = [0.3, 0.2, -0.25, -0.1, 0.05, -0.3, 0.0];

    private static readonly string[] FeatureNames =
        Enumerable.Range(0, FeatureCount).Select(j => $"feature_{j}").ToArray();

    [Fact]
    public async Task ComputeMatchesPandasAndScipyReference()
    {
        // Given a seeded random dataset, written to CSV in a folder the container's user can write to
        var (eras, predictions, targets, features) = GenerateDataset();
        var folder = TestEnvironment.NewWorkDirectory("diagnostics");
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        await File.WriteAllTextAsync(Path.Combine(folder, "rows.csv"), ToCsv(eras, predictions, targets, features));

        // When both implementations compute the diagnostics
        var actual = DiagnosticsCalculator.Compute(eras, predictions, targets, features, FeatureCount, FeatureNames);
        var scripts = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Pickles");
        await ProcessRunner.RunAsync("docker", [
            "run", "--rm", "--network", "none", "--user", "10001:10001",
            "-v", $"{folder}:/work",
            "-v", $"{scripts}:/pickles:ro",
            "modeluploads-runtime:py3.11", "python3", "/pickles/reference_diagnostics.py",
        ], TimeSpan.FromMinutes(2));
        using var reference = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "reference.json")));
        var expected = reference.RootElement;

        // Then every era and every summary value agree
        var expectedEras = expected.GetProperty("eras").EnumerateArray().ToArray();
        Assert.Equal(
            expectedEras.Select(era => era.GetProperty("era").GetString()).ToArray(),
            actual.Eras.Select(era => era.Era).ToArray());
        Assert.DoesNotContain(actual.Eras, era => era.Era == EraWithoutTargets);

        var largestDifference = 0.0;
        for (var i = 0; i < expectedEras.Length; i++)
        {
            var name = actual.Eras[i].Era;
            Assert.Equal(expectedEras[i].GetProperty("rows").GetInt32(), actual.Eras[i].Rows);
            var expectedCorrelation = expectedEras[i].GetProperty("correlation").GetDouble();
            var difference = AssertClose(expectedCorrelation, actual.Eras[i].Correlation, $"correlation of {name}");
            largestDifference = Math.Max(largestDifference, difference);
        }

        (string Property, double Actual)[] summary =
        [
            ("mean", actual.Mean),
            ("standard_deviation", actual.StandardDeviation),
            ("sharpe", actual.Sharpe),
            ("max_drawdown", actual.MaxDrawdown),
            ("max_feature_exposure", actual.MaxFeatureExposure),
        ];
        foreach (var (property, value) in summary)
        {
            var difference = AssertClose(expected.GetProperty(property).GetDouble(), value, property);
            largestDifference = Math.Max(largestDifference, difference);
        }

        Assert.Equal(expected.GetProperty("max_exposure_feature").GetString(), actual.MaxExposureFeature);
        Assert.Equal(expected.GetProperty("rows").GetInt32(), actual.Rows);
        Assert.True(actual.MaxDrawdown > 0.1, $"max drawdown {actual.MaxDrawdown:R}, expected above 0.1 on this dataset");

        output.WriteLine($"largest difference from the reference: {largestDifference:R}");
    }

    /// <summary>
    /// Generates about 200 rows per era in shuffled order: features 0 to 4 with some NaN and
    /// one constant feature, targets from {0, 0.25, 0.5, 0.75, 1} with some NaN, and predictions
    /// that follow feature 0 and, with the era's weight, the target. Every other era rounds its predictions to two
    /// decimals, which makes ties.
    /// </summary>
    private static (string[] Eras, double[] Predictions, double[] Targets, float[] Features) GenerateDataset()
    {
        var random = new Random(Seed);
        var rows = new List<(string Era, double Prediction, double Target, float[] Features)>();
        for (var e = 0; e < EraNames.Length; e++)
        {
            var rowCount = 180 + random.Next(41);
            for (var r = 0; r < rowCount; r++)
            {
                var rowFeatures = new float[FeatureCount];
                for (var j = 0; j < FeatureCount - 1; j++)
                {
                    rowFeatures[j] = random.NextDouble() < 0.03 ? float.NaN : random.Next(5);
                }

                rowFeatures[FeatureCount - 1] = 2;

                var target = EraNames[e] == EraWithoutTargets || random.NextDouble() < 0.1
                    ? double.NaN
                    : random.Next(5) * 0.25;
                var signal = 0.1 * (float.IsNaN(rowFeatures[0]) ? 2.0 : rowFeatures[0])
                    + TargetWeights[e] * (double.IsNaN(target) ? 0.5 : target)
                    + 0.3 * random.NextDouble();
                var prediction = e % 2 == 0 ? Math.Round(signal, 2) : signal;
                rows.Add((EraNames[e], prediction, target, rowFeatures));
            }
        }

        var shuffled = rows.ToArray();
        random.Shuffle(shuffled);
        return (
            shuffled.Select(row => row.Era).ToArray(),
            shuffled.Select(row => row.Prediction).ToArray(),
            shuffled.Select(row => row.Target).ToArray(),
            shuffled.SelectMany(row => row.Features).ToArray());
    }

    /// <summary>Formats the rows as CSV with round-trip numbers and an empty field for NaN.</summary>
    private static string ToCsv(string[] eras, double[] predictions, double[] targets, float[] features)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', ["era", "prediction", "target", .. FeatureNames]).Append('\n');
        for (var row = 0; row < eras.Length; row++)
        {
            csv.Append(eras[row]).Append(',').Append(Format(predictions[row])).Append(',').Append(Format(targets[row]));
            for (var j = 0; j < FeatureCount; j++)
            {
                csv.Append(',').Append(Format(features[row * FeatureCount + j]));
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Asserts that the values agree within the tolerance and returns their difference.</summary>
    private static double AssertClose(double expected, double actual, string quantity)
    {
        var difference = Math.Abs(actual - expected);
        Assert.True(
            difference <= Tolerance,
            $"{quantity} is {actual:R}, the reference {expected:R}, difference {difference:R}");
        return difference;
    }
}
