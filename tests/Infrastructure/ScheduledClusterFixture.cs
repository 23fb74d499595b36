using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelUploads.Hosting;

namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// A <see cref="ClusterFixture"/> whose platform clock is a fake that the tests move
/// forward, with rounds scheduled daily at 13:00 UTC from the dataset folder and
/// reminders that tick every second, so simulated days pass in seconds.
/// </summary>
public sealed class ScheduledClusterFixture : ClusterFixture
{
    /// <summary>The fake clock starts an hour before the first scheduled opening.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));

    protected override bool OpensRound => false;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings(string datasetDirectory) => new Dictionary<string, string?>
    {
        ["Rounds:DataFolder"] = datasetDirectory,
        ["Rounds:OpenTimeUtc"] = "13:00",
        ["Rounds:SchedulerPeriod"] = "00:00:01",
        ["Rounds:ModelCheckPeriod"] = "00:00:01",
        ["Orleans:MinimumReminderPeriod"] = "00:00:01",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
}
