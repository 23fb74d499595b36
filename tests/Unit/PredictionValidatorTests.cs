using System.Globalization;
using ModelUploads.Runs;

namespace ModelUploads.Tests.Unit;

public sealed class PredictionValidatorTests : IDisposable
{
    private const string Header = "id,prediction";

    private static readonly string[] RoundIds = ["n01", "n02", "n03", "n04", "n05"];

    private static readonly double[] RoundValues = [0.1, 0.3, 0.5, 0.7, 0.9];

    private readonly TemporaryDirectory _directory = new("predictions");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ValidateCsvAcceptsValidPredictions()
    {
        // Given
        var path = WriteCsv(RoundIds.Zip(RoundValues, Row));

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.True(result.IsValid, $"error: {result.Error}");
        Assert.Null(result.Error);
        Assert.Equal(RoundValues, result.Values);
    }

    [Fact]
    public void ValidateCsvOrdersValuesByExpectedIds()
    {
        // Given
        int[] shuffled = [3, 0, 4, 2, 1];
        var path = WriteCsv(shuffled.Select(i => Row(RoundIds[i], RoundValues[i])));

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.True(result.IsValid, $"error: {result.Error}");
        Assert.Equal(RoundValues, result.Values);
    }

    [Fact]
    public void ValidateCsvTrimsSpacesAroundFields()
    {
        // Given
        var path = _directory.WriteLines("spaces.csv", [" id , prediction ", "n01 , 0.25", "n02,\t0.75 "]);

        // When
        var result = PredictionValidator.ValidateCsv(path, ["n01", "n02"]);

        // Then
        Assert.True(result.IsValid, $"error: {result.Error}");
        Assert.NotNull(result.Values);
        Assert.Equal([0.25, 0.75], result.Values);
    }

    [Fact]
    public void ValidateCsvRejectsWrongHeader()
    {
        // Given
        var path = _directory.WriteLines("header.csv", ["id,target", .. RoundIds.Zip(RoundValues, Row)]);

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.False(result.IsValid, "a CSV with the header 'id,target' was accepted");
        Assert.Null(result.Values);
        TextAssert.Contains("'id,target'", result.Error);
        TextAssert.Contains("'id' and 'prediction'", result.Error);
    }

    [Fact]
    public void ValidateCsvRejectsEmptyFile()
    {
        // Given
        var path = _directory.WriteLines("empty.csv", []);

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.False(result.IsValid, "an empty file was accepted");
        TextAssert.Contains("'id' and 'prediction'", result.Error);
    }

    [Fact]
    public void ValidateCsvRejectsNonNumberValue()
    {
        // Given
        var path = WriteCsv(["n01,0.1", "n02,high", "n03,0.5", "n04,0.7", "n05,0.9"]);

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.False(result.IsValid, "the prediction 'high' was accepted");
        TextAssert.Contains("id 'n02'", result.Error);
        TextAssert.Contains("'high', which is not a number", result.Error);
    }

    [Fact]
    public void ValidateCsvRejectsRowWithoutComma()
    {
        // Given
        var path = WriteCsv(["n01,0.1", "n02 0.3"]);

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.False(result.IsValid, "a row without a comma was accepted");
        TextAssert.Contains("Line 3", result.Error);
        TextAssert.Contains("has no comma", result.Error);
    }

    [Fact]
    public void ValidateReportsMissingIdsWithExamples()
    {
        // Given
        var expected = Enumerable.Range(1, 10).Select(i => $"n{i:D2}").ToArray();
        var ids = expected[..3];

        // When
        var result = PredictionValidator.Validate(ids, [0.1, 0.2, 0.3], expected);

        // Then
        Assert.False(result.IsValid, "predictions for 3 of 10 ids were accepted");
        TextAssert.Contains("3 rows for a round of 10 ids", result.Error);
        TextAssert.Contains("7 ids of the round are missing (for example 'n04', 'n05', 'n06', 'n07', 'n08')", result.Error);
        TextAssert.DoesNotContain("'n09'", result.Error);
        TextAssert.DoesNotContain("not in the round", result.Error);
        TextAssert.DoesNotContain("more than once", result.Error);
    }

    [Fact]
    public void ValidateReportsIdsNotInRound()
    {
        // Given
        string[] ids = [.. RoundIds, "x01", "x02"];

        // When
        var result = PredictionValidator.Validate(ids, [.. RoundValues, 0.5, 0.5], RoundIds);

        // Then
        Assert.False(result.IsValid, "predictions for ids outside the round were accepted");
        TextAssert.Contains("7 rows for a round of 5 ids", result.Error);
        TextAssert.Contains("2 ids are not in the round (for example 'x01', 'x02')", result.Error);
        TextAssert.DoesNotContain("missing", result.Error);
    }

    [Fact]
    public void ValidateReportsDuplicatedIds()
    {
        // Given
        string[] ids = [.. RoundIds, "n02", "n04"];

        // When
        var result = PredictionValidator.Validate(ids, [.. RoundValues, 0.3, 0.7], RoundIds);

        // Then
        Assert.False(result.IsValid, "duplicated ids were accepted");
        TextAssert.Contains("2 ids appear more than once (for example 'n02', 'n04')", result.Error);
        TextAssert.DoesNotContain("missing", result.Error);
        TextAssert.DoesNotContain("not in the round", result.Error);
    }

    [Fact]
    public void ValidateCountsTriplicatedIdOnce()
    {
        // Given
        string[] ids = [.. RoundIds, "n02", "n02"];

        // When
        var result = PredictionValidator.Validate(ids, [.. RoundValues, 0.3, 0.3], RoundIds);

        // Then
        Assert.False(result.IsValid, "an id given three times was accepted");
        TextAssert.Contains("1 ids appear more than once (for example 'n02')", result.Error);
    }

    [Fact]
    public void ValidateReportsMisspelledId()
    {
        // Given
        string[] ids = ["n01", "n02", "N03", "n04", "n05"];

        // When
        var result = PredictionValidator.Validate(ids, RoundValues, RoundIds);

        // Then
        Assert.False(result.IsValid, "the id 'N03' was accepted for 'n03'");
        TextAssert.Contains("1 ids of the round are missing (for example 'n03')", result.Error);
        TextAssert.Contains("1 ids are not in the round (for example 'N03')", result.Error);
    }

    [Fact]
    public void ValidateCsvRejectsNaN()
    {
        // Given
        var path = WriteCsv(["n01,0.1", "n02,nan", "n03,0.5", "n04,nan", "n05,0.9"]);

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.False(result.IsValid, "NaN predictions were accepted");
        TextAssert.Contains("2 predictions are NaN or infinite, the first for id 'n02' (NaN)", result.Error);
    }

    [Theory]
    [InlineData("inf", "Infinity")]
    [InlineData("+inf", "Infinity")]
    [InlineData("-inf", "-Infinity")]
    public void ValidateCsvRejectsInfinity(string text, string formatted)
    {
        // Given
        var path = WriteCsv(["n01,0.1", "n02,0.3", "n03,0.5", "n04,0.7", $"n05,{text}"]);

        // When
        var result = PredictionValidator.ValidateCsv(path, RoundIds);

        // Then
        Assert.False(result.IsValid, $"the prediction '{text}' was accepted");
        TextAssert.Contains($"1 predictions are NaN or infinite, the first for id 'n05' ({formatted})", result.Error);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(-3.0)]
    [InlineData(250.0)]
    public void ValidateRejectsValueOutsideUnitInterval(double outside)
    {
        // Given
        double[] values = [0.1, 0.3, outside, 0.7, 0.9];

        // When
        var result = PredictionValidator.Validate(RoundIds, values, RoundIds);

        // Then
        var formatted = outside.ToString("R", CultureInfo.InvariantCulture);
        Assert.False(result.IsValid, $"the prediction {formatted} was accepted");
        TextAssert.Contains($"1 predictions are outside [0, 1], the first {formatted} for id 'n03'", result.Error);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void ValidateAcceptsUnitIntervalBounds(double bound)
    {
        // Given
        double[] values = [0.1, 0.3, bound, 0.7, 0.9];

        // When
        var result = PredictionValidator.Validate(RoundIds, values, RoundIds);

        // Then
        Assert.True(result.IsValid, $"error for the bound {bound}: {result.Error}");
    }

    [Fact]
    public void ValidateRejectsConstantHalf()
    {
        // Given
        var values = Enumerable.Repeat(0.5, RoundIds.Length).ToArray();

        // When
        var result = PredictionValidator.Validate(RoundIds, values, RoundIds);

        // Then
        Assert.False(result.IsValid, "five predictions of 0.5 were accepted");
        TextAssert.Contains("All 5 predictions are 0.5", result.Error);
        TextAssert.Contains("standard deviation above zero", result.Error);
    }

    [Theory]
    [InlineData(0.1, 10)]
    [InlineData(0.3, 3)]
    [InlineData(0.7, 1000)]
    public void ValidateRejectsAnyConstantValue(double constant, int count)
    {
        // Given
        var ids = Enumerable.Range(0, count).Select(i => $"n{i:D5}").ToArray();
        var values = Enumerable.Repeat(constant, count).ToArray();

        // When
        var result = PredictionValidator.Validate(ids, values, ids);

        // Then
        Assert.False(result.IsValid, $"{count} predictions of {constant} were accepted");
        TextAssert.Contains($"All {count} predictions are", result.Error);
    }

    [Theory]
    [InlineData("nan", double.NaN)]
    [InlineData("NaN", double.NaN)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+inf", double.PositiveInfinity)]
    [InlineData("-inf", double.NegativeInfinity)]
    [InlineData("0.5", 0.5)]
    [InlineData("1e-05", 0.00001)]
    [InlineData("-0.0", 0.0)]
    public void TryParsePredictionReadsPythonRepr(string text, double expected)
    {
        // When
        var parsed = PredictionValidator.TryParsePrediction(text, out var value);

        // Then
        Assert.True(parsed, $"'{text}' did not parse");
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("high")]
    [InlineData("0,5")]
    [InlineData("0.5.1")]
    public void TryParsePredictionRejectsNonNumber(string text)
    {
        // When
        var parsed = PredictionValidator.TryParsePrediction(text, out var value);

        // Then
        Assert.False(parsed, $"'{text}' parsed as {value}");
    }

    private static string Row(string id, double value) => $"{id},{value.ToString("R", CultureInfo.InvariantCulture)}";

    private string WriteCsv(IEnumerable<string> rows) => _directory.WriteLines("predictions.csv", [Header, .. rows]);
}
