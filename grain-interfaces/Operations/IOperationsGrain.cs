namespace ModelUploads.Operations;

/// <summary>What the operators need to act on; a single grain, key 0.</summary>
[Alias("ModelUploads.IOperationsGrain")]
public interface IOperationsGrain : IGrainWithIntegerKey
{
    /// <summary>Records a run that ended in Error after its last attempt; recording it again changes nothing.</summary>
    [Alias("RecordPlatformFailure")]
    Task RecordPlatformFailureAsync(PlatformFailure failure);

    /// <summary>Returns the recorded platform failures, newest first.</summary>
    [Alias("ListPlatformFailures")]
    Task<IReadOnlyList<PlatformFailure>> ListPlatformFailuresAsync();
}
