namespace ModelUploads.Runs;

/// <summary>What data a run predicts on.</summary>
public enum RunKind
{
    /// <summary>The round's live features; its predictions become the round's submission.</summary>
    Live = 0,

    /// <summary>The validation data, for diagnostics.</summary>
    Validation = 1,
}
