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
}
