namespace ModelUploads.Rounds;

/// <summary>The tournament's rounds; a single grain, key 0.</summary>
[Alias("ModelUploads.IRoundsGrain")]
public interface IRoundsGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the open round, or null when none is open.</summary>
    [Alias("GetCurrent")]
    Task<RoundInfo?> GetCurrentAsync();

    /// <summary>Returns a round by number, or null when it never opened.</summary>
    [Alias("Get")]
    Task<RoundInfo?> GetAsync(int number);

    /// <summary>
    /// Opens the next round from a live features file in Numerai's parquet layout,
    /// closing the current one. A null path takes the file from the data folder, as
    /// the schedule does.
    /// </summary>
    [Alias("Open")]
    Task<RoundInfo> OpenAsync(string? liveParquetPath);

    /// <summary>Returns when the schedule opens the next round, or null when no schedule is set.</summary>
    [Alias("GetNextOpenTime")]
    Task<DateTimeOffset?> GetNextOpenTimeAsync();

    /// <summary>Starts the schedule's reminder; the silo calls it on start. Calling it again changes nothing.</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();
}
