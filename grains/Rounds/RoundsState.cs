namespace ModelUploads.Rounds;

/// <summary>Every round that has opened, oldest first, and the schedule's start.</summary>
[GenerateSerializer, Alias("ModelUploads.RoundsState")]
public sealed class RoundsState
{
    [Id(0)] public List<RoundInfo> Rounds { get; set; } = [];

    /// <summary>When the schedule was first started; the first scheduled round opens at or after it.</summary>
    [Id(1)] public DateTimeOffset? ScheduleStartedAt { get; set; }
}
