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
    /// closing the current one.
    /// </summary>
    [Alias("Open")]
    Task<RoundInfo> OpenAsync(string liveParquetPath);
}
