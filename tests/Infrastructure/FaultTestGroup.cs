namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// The fault tests stop PostgreSQL and restart the Docker engine that every other
/// test uses, so they run alone, after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultTestGroup
{
    public const string Name = "Faults";
}
