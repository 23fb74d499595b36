using System.Globalization;

namespace ModelUploads.Runs;

/// <summary>
/// Checks predictions against the round's ids on the host; nothing the container
/// reports is trusted. The rules run in order and the first that fails is
/// reported, with the offending count or value and what to change.
/// </summary>
internal static class PredictionValidator
{
    private const int ExampleCount = 5;

    /// <summary>Validates an `id,prediction` CSV file against the expected ids.</summary>
    public static PredictionValidation ValidateCsv(string path, IReadOnlyList<string> expectedIds)
    {
        var ids = new List<string>(expectedIds.Count);
        var values = new List<double>(expectedIds.Count);
        using (var reader = new StreamReader(path))
        {
            var header = reader.ReadLine();
            if (header is null || !IsHeader(header))
            {
                return PredictionValidation.Invalid(
                    $"The predictions have the header '{Truncate(header ?? "")}'; they need the columns 'id' and 'prediction'.");
            }

            var lineNumber = 1;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                var comma = line.LastIndexOf(',');
                if (comma < 0)
                {
                    return PredictionValidation.Invalid($"Line {lineNumber} of the predictions, '{Truncate(line)}', has no comma; each row needs an id and a prediction.");
                }

                var text = line[(comma + 1)..].Trim();
                if (!TryParsePrediction(text, out var value))
                {
                    return PredictionValidation.Invalid(
                        $"The prediction for id '{Truncate(line[..comma])}' is '{Truncate(text)}', which is not a number; the 'prediction' column must hold numbers.");
                }

                ids.Add(line[..comma].Trim());
                values.Add(value);
            }
        }

        return Validate(ids, values, expectedIds);
    }

    /// <summary>Applies every rule to predictions already parsed; ids[i] goes with values[i].</summary>
    public static PredictionValidation Validate(IReadOnlyList<string> ids, IReadOnlyList<double> values, IReadOnlyList<string> expectedIds)
    {
        var expected = new HashSet<string>(expectedIds, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        var duplicated = new HashSet<string>(StringComparer.Ordinal);
        var extra = new List<string>();
        var extraCount = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (!expected.Contains(id))
            {
                extraCount++;
                if (extra.Count < ExampleCount)
                {
                    extra.Add(id);
                }

                continue;
            }

            if (seen.TryAdd(id, i))
            {
                continue;
            }

            duplicated.Add(id);
        }

        var missing = expectedIds.Where(id => !seen.ContainsKey(id)).ToList();
        if (missing.Count > 0 || extraCount > 0 || duplicated.Count > 0)
        {
            return PredictionValidation.Invalid(DescribeIdProblems(expectedIds.Count, ids.Count, missing, extraCount, extra, duplicated));
        }

        if (expectedIds.Count == 0)
        {
            return PredictionValidation.Invalid("The round has no ids to predict. This is a platform error.");
        }

        var ordered = new double[expectedIds.Count];
        for (var i = 0; i < expectedIds.Count; i++)
        {
            ordered[i] = values[seen[expectedIds[i]]];
        }

        for (var i = 0; i < ordered.Length; i++)
        {
            if (!double.IsFinite(ordered[i]))
            {
                var count = ordered.Count(v => !double.IsFinite(v));
                return PredictionValidation.Invalid(
                    $"{count} predictions are NaN or infinite, the first for id '{expectedIds[i]}' ({Format(ordered[i])}); every prediction must be a finite number.");
            }
        }

        for (var i = 0; i < ordered.Length; i++)
        {
            if (ordered[i] is < 0 or > 1)
            {
                var count = ordered.Count(v => v is < 0 or > 1);
                return PredictionValidation.Invalid(
                    $"{count} predictions are outside [0, 1], the first {Format(ordered[i])} for id '{expectedIds[i]}'; "
                    + "scale them into [0, 1], for example with a rank: series.rank(pct=True).");
            }
        }

        // Compared exactly, because the variance of equal values computed in floating point can come out
        // a hair above zero.
        var first = ordered[0];
        if (Array.TrueForAll(ordered, v => v == first))
        {
            return PredictionValidation.Invalid(
                $"All {ordered.Length} predictions are {Format(first)}; a submission needs predictions that differ (standard deviation above zero).");
        }

        return PredictionValidation.Valid(ordered);
    }

    private static string DescribeIdProblems(
        int expectedCount, int rowCount, List<string> missing, int extraCount, List<string> extra, HashSet<string> duplicated)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"{missing.Count} ids of the round are missing (for example {Examples(missing)})");
        }

        if (extraCount > 0)
        {
            parts.Add($"{extraCount} ids are not in the round (for example {Examples(extra)})");
        }

        if (duplicated.Count > 0)
        {
            parts.Add($"{duplicated.Count} ids appear more than once (for example {Examples(duplicated)})");
        }

        return $"The predictions have {rowCount} rows for a round of {expectedCount} ids: {string.Join("; ", parts)}. "
            + "Return one prediction for every row of live_features, indexed by its id.";
    }

    private static string Examples(IEnumerable<string> ids) => string.Join(", ", ids.Take(ExampleCount).Select(id => $"'{Truncate(id)}'"));

    private static bool IsHeader(string header)
    {
        var columns = header.Split(',');
        return columns.Length == 2 && columns[0].Trim() == "id" && columns[1].Trim() == "prediction";
    }

    /// <summary>Parses a number as Python's repr writes it, including nan, inf and -inf.</summary>
    internal static bool TryParsePrediction(string text, out double value)
    {
        switch (text.ToLowerInvariant())
        {
            case "nan":
                value = double.NaN;
                return true;
            case "inf" or "+inf":
                value = double.PositiveInfinity;
                return true;
            case "-inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
