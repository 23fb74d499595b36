namespace ModelUploads.Runs;

/// <summary>The result of validating predictions: the values in the round's id order, or the first failed rule.</summary>
internal sealed class PredictionValidation
{
    private PredictionValidation(double[]? values, string? error)
    {
        Values = values;
        Error = error;
    }

    /// <summary>One prediction per round id, in the round's order; null when invalid.</summary>
    public double[]? Values { get; }

    public string? Error { get; }

    public bool IsValid => Error is null;

    public static PredictionValidation Valid(double[] values) => new(values, null);

    public static PredictionValidation Invalid(string error) => new(null, error);
}
