namespace ModelUploads.Runs;

/// <summary>Why a run ended in <see cref="RunStatus.Failed"/>.</summary>
public enum FailureReason
{
    None = 0,
    InvalidPickle = 1,
    PythonVersionMismatch = 2,
    MissingModule = 3,
    ModelException = 4,
    InvalidSubmission = 5,
    OutOfMemory = 6,
    Timeout = 7,
}
