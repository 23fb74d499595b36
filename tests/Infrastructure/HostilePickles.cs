namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// Pickles that attack the sandbox, made by real cloudpickle inside the runtime
/// image and written once per test run by Pickles/hostile_pickles.py. The script
/// gets the host paths that no sandbox may see and stores them in the pickles.
/// </summary>
internal static class HostilePickles
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _folder;

    /// <summary>
    /// Host paths that no sandbox may see: the checkout, the scripts' data folder
    /// (with PostgreSQL's files and socket) and the tests' work folder, which contains
    /// every test cluster's store.
    /// </summary>
    public static IReadOnlyList<string> HostPaths =>
    [
        TestEnvironment.RepositoryRoot,
        Environment.GetEnvironmentVariable("MODELUPLOADS_DATA") ?? Path.Combine(TestEnvironment.RepositoryRoot, ".data"),
        TestEnvironment.WorkRoot,
    ];

    /// <summary>Returns the path of a pickle written by hostile_pickles.py.</summary>
    public static async Task<string> PathAsync(string name)
    {
        var folder = await FolderAsync();
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"hostile_pickles.py wrote no {name}", path);
    }

    private static async Task<string> FolderAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_folder is not null)
            {
                return _folder;
            }

            var output = TestEnvironment.NewWorkDirectory("hostile-pickles");
            File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
            var script = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Pickles");
            await ProcessRunner.RunAsync("docker", [
                "run", "--rm", "--network", "none", "--user", "10001:10001",
                "-v", $"{script}:/pickles:ro",
                "-v", $"{output}:/output",
                $"modeluploads-runtime:py{TestEnvironment.DefaultPython}", "python3", "/pickles/hostile_pickles.py",
                .. HostPaths,
            ], TimeSpan.FromMinutes(2));
            _folder = output;
            return output;
        }
        finally
        {
            Gate.Release();
        }
    }
}
