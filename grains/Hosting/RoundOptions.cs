namespace ModelUploads.Hosting;

/// <summary>How rounds run; section "Rounds".</summary>
public sealed class RoundOptions
{
    public const string SectionName = "Rounds";

    /// <summary>How long a round stays open after it opens.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Period of each model's reminder that looks for a newly opened round. A
    /// round opens daily, so its run starts at most this long after it opens.
    /// </summary>
    public TimeSpan ModelCheckPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Rows per validation chunk; a chunk holds whole eras, so one era larger than this
    /// is a chunk of its own. 50,000 rows of 2,376 int8 features are about 120 MB,
    /// which leaves room under 4 GB for a model that converts them to float64.
    /// </summary>
    public int ValidationRowsPerChunk { get; set; } = 50_000;
}
