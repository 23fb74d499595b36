namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// Real pickles made by real cloudpickle inside the runtime image, written
/// once per test run by Pickles/make_pickles.py. The xgboost model of the main
/// job is trained the same way by sandbox/examples/train_model.py.
/// </summary>
internal static class TestPickles
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Folders = [];

    /// <summary>Returns the path of a pickle written by make_pickles.py for the given Python version.</summary>
    public static async Task<string> PathAsync(string name, string pythonVersion = TestEnvironment.DefaultPython)
    {
        var folder = await FolderAsync(pythonVersion);
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"make_pickles.py wrote no {name}", path);
    }

    /// <summary>Trains the xgboost example on the staged training data and returns model.pkl's path.</summary>
    public static async Task<string> TrainXgboostAsync(string stagedTrainDirectory, string pythonVersion = TestEnvironment.DefaultPython)
    {
        var output = TestEnvironment.NewWorkDirectory("xgboost");
        File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        await ProcessRunner.RunAsync("docker", [
            "run", "--rm", "--network", "none", "--user", "10001:10001",
            "-v", $"{stagedTrainDirectory}:/input:ro",
            "-v", $"{output}:/output",
            "-v", $"{Path.Combine(TestEnvironment.RepositoryRoot, "sandbox", "examples")}:/examples:ro",
            $"modeluploads-runtime:py{pythonVersion}", "python3", "/examples/train_model.py", "--model", "xgboost",
        ], TimeSpan.FromMinutes(5));
        return Path.Combine(output, "model.pkl");
    }

    private static async Task<string> FolderAsync(string pythonVersion)
    {
        await Gate.WaitAsync();
        try
        {
            if (Folders.TryGetValue(pythonVersion, out var existing))
            {
                return existing;
            }

            var output = TestEnvironment.NewWorkDirectory($"pickles-py{pythonVersion}");
            File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
            var script = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Pickles");
            await ProcessRunner.RunAsync("docker", [
                "run", "--rm", "--network", "none", "--user", "10001:10001",
                "-v", $"{script}:/pickles:ro",
                "-v", $"{output}:/output",
                $"modeluploads-runtime:py{pythonVersion}", "python3", "/pickles/make_pickles.py",
            ], TimeSpan.FromMinutes(2));
            Folders[pythonVersion] = output;
            return output;
        }
        finally
        {
            Gate.Release();
        }
    }
}
