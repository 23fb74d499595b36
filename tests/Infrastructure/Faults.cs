namespace ModelUploads.Tests.Infrastructure;

/// <summary>Runs scripts/fault.sh, which acts only on the services this checkout's scripts started.</summary>
internal static class Faults
{
    public static Task StopPostgresAsync() => RunAsync("stop-postgres");

    public static Task StartPostgresAsync() => RunAsync("start-postgres");

    public static Task RestartEngineAsync() => RunAsync("restart-engine");

    private static Task<string> RunAsync(string fault) =>
        ProcessRunner.RunAsync("bash", [Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "fault.sh"), fault], TimeSpan.FromMinutes(2));
}
