namespace ModelUploads.Hosting;

/// <summary>Names of the grain storage providers, shared by the grains and the silo.</summary>
public static class StorageNames
{
    /// <summary>The PostgreSQL grain storage that keeps models, runs and rounds.</summary>
    public const string Grains = "modeluploads";
}
