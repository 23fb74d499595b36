namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// A <see cref="ClusterFixture"/> that opens no round before its tests and gives each
/// model's reminder a period and first tick of one hour. Within a test, a run for a
/// round the test opens can then come only from the round's notification, or from a
/// reminder tick that the test sends itself.
/// </summary>
public sealed class RoundOpeningClusterFixture : ClusterFixture
{
    protected override bool OpensRound => false;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings(string datasetDirectory) => new Dictionary<string, string?>
    {
        ["Rounds:ModelCheckPeriod"] = "01:00:00",
    };
}
