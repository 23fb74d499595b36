namespace ModelUploads.Runs;

/// <summary>The verdict on one finished container: a terminal status, a reason and a sentence for the user.</summary>
internal sealed record RunOutcome(RunStatus Status, FailureReason Reason, string Description)
{
    public static RunOutcome Failed(FailureReason reason, string description) => new(RunStatus.Failed, reason, description);

    public static RunOutcome Error(string description) => new(RunStatus.Error, FailureReason.None, description);

    /// <summary>The container succeeded; its predictions still have to be validated.</summary>
    public static RunOutcome Predicted(string description) => new(RunStatus.Validating, FailureReason.None, description);
}
