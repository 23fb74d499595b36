namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// What the integration tests need from the machine, as scripts/test.sh sets
/// it up: an admin connection string for the private PostgreSQL cluster, a work
/// folder, the Docker engine and the runtime images. A missing piece fails the
/// test with a message that states how to provide it; nothing is skipped.
/// </summary>
internal static class TestEnvironment
{
    public const string DefaultPython = "3.11";

    public static string PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable("MODELUPLOADS_TEST_POSTGRES")
        ?? throw new InvalidOperationException(
            "MODELUPLOADS_TEST_POSTGRES is not set. Run the tests with scripts/test.sh, which starts PostgreSQL and sets it.");

    public static string WorkRoot
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("MODELUPLOADS_TEST_ROOT")
                ?? Path.Combine(Path.GetTempPath(), "modeluploads-tests");
            Directory.CreateDirectory(root);
            return root;
        }
    }

    /// <summary>The checkout's root, found by walking up from the test assembly to ModelUploads.sln.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ModelUploads.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No ModelUploads.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The build configuration the tests were built with, Debug or Release.</summary>
    public static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    public static string NewWorkDirectory(string purpose)
    {
        var path = Path.Combine(WorkRoot, $"{purpose}-{Guid.NewGuid():N}"[..(purpose.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
