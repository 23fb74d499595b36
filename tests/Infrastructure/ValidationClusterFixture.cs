namespace ModelUploads.Tests.Infrastructure;

/// <summary>A <see cref="ClusterFixture"/> with validation data staged, so each upload also gets a validation run.</summary>
public sealed class ValidationClusterFixture : ClusterFixture
{
    protected override bool StagesValidation => true;
}
