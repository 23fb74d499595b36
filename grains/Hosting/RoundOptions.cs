using System.Globalization;

namespace ModelUploads.Hosting;

/// <summary>How rounds open and run; section "Rounds".</summary>
public sealed class RoundOptions
{
    public const string SectionName = "Rounds";

    /// <summary>Time of day, UTC, at which scheduled rounds open, as HH:mm.</summary>
    public string OpenTimeUtc { get; set; } = "13:00";

    /// <summary>Time between two scheduled openings.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a round stays open after it opens.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Folder the scheduler takes each new round's live file from: live_N.parquet for
    /// round N when it exists, else live.parquet. Empty turns the schedule off, so
    /// rounds open only when an operator opens them.
    /// </summary>
    public string DataFolder { get; set; } = "";

    /// <summary>How often the rounds grain's reminder looks whether a round is due.</summary>
    public TimeSpan SchedulerPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Period of each model's reminder that looks for a newly opened round. An opening
    /// round notifies each model with an upload, so its run starts at once. The reminder
    /// is the backstop for a lost notification or a failed start, such as a silo crash
    /// during the notifications, and starts that run at its next tick.
    /// </summary>
    public TimeSpan ModelCheckPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Rows per validation chunk; a chunk contains whole eras, so one era larger than this
    /// is a chunk of its own. 50,000 rows of 2,376 int8 features are about 120 MB,
    /// which leaves room under 4 GB for a model that converts them to float64.
    /// </summary>
    public int ValidationRowsPerChunk { get; set; } = 50_000;

    /// <summary>The opening time of day parsed from <see cref="OpenTimeUtc"/>.</summary>
    public TimeSpan OpenTimeOfDay =>
        TimeSpan.TryParseExact(OpenTimeUtc, @"hh\:mm", CultureInfo.InvariantCulture, out var time)
            ? time
            : throw new InvalidOperationException(InvalidOpenTimeMessage(OpenTimeUtc));

    /// <summary>The first scheduled opening at or after the instant.</summary>
    public DateTimeOffset NextOpeningAtOrAfter(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var opening = new DateTimeOffset(utc.Date, TimeSpan.Zero) + OpenTimeOfDay;
        while (opening < utc)
        {
            opening += Period;
        }

        return opening;
    }

    internal static string InvalidOpenTimeMessage(string value) =>
        $"The setting Rounds:OpenTimeUtc is '{value}'; set it to a UTC time of day as HH:mm, for example 13:00.";
}
