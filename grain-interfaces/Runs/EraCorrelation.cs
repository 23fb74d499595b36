namespace ModelUploads.Runs;

/// <summary>The correlation of one validation era and the number of rows with a target it was computed on.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.EraCorrelation")]
public sealed record EraCorrelation(
    [property: Id(0)] string Era,
    [property: Id(1)] double Correlation,
    [property: Id(2)] int Rows);
