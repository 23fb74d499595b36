using ModelUploads.Bench;
using ModelUploads.Bench.Reporting;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Benchmarks;

/// <summary>
/// A silo process with no round open and no validation data, as the benchmarks need, and a
/// per-key rate limit high enough for the status benchmark's load.
/// </summary>
public sealed class BenchmarkSiloFixture : ApiSiloFixture
{
    protected override bool PreparesData => false;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits__PermitsPerMinute"] = "1000000",
    };
}

/// <summary>
/// The benchmark suite at its short sizes, against a real silo process, the Docker engine and
/// PostgreSQL, so the code behind docs/BENCHMARKS.md keeps working. It checks what the suite
/// measured and wrote, never how fast: speed is the benchmarks' own business.
/// </summary>
public sealed class BenchmarkSuiteTests(BenchmarkSiloFixture fixture) : IClassFixture<BenchmarkSiloFixture>
{
    [Fact]
    public async Task ShortRunReportsEveryBenchmark()
    {
        var target = new BenchmarkTarget(
            fixture.Silo.Address,
            fixture.Administrator.Key,
            fixture.Silo.ProcessId,
            TestEnvironment.NewWorkDirectory("bench"),
            Path.Combine(TestEnvironment.WorkRoot, "bench-cache"),
            TestEnvironment.RepositoryRoot);
        using var context = new BenchmarkContext(target, BenchmarkScale.ShortRun, TextWriter.Null);
        var run = await BenchmarkRun.StartAsync(BenchmarkScale.ShortRun, TestEnvironment.RepositoryRoot);

        var sections = await BenchmarkSuite.RunAsync(context);
        var report = BenchmarkReport.Render(sections, run, failure: null);

        Assert.Equal(BenchmarkSuite.ReportOrder, sections.Select(s => s.Title).ToArray());
        for (var i = 0; i < sections.Count; i++)
        {
            Assert.Contains($"## {i + 1}. {sections[i].Title}\n", report, StringComparison.Ordinal);
            Assert.True(sections[i].Lines.Any(l => l.StartsWith("|---", StringComparison.Ordinal)), $"section '{sections[i].Title}' has no table:\n{string.Join('\n', sections[i].Lines)}");
        }

        // The data hand-off has no target of its own, only figures.
        Assert.Equal([2, 2, 2, 2, 1, 0], sections.Select(s => s.Targets.Count).ToArray());
        Assert.DoesNotContain("NaN", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", report, StringComparison.Ordinal);
    }
}
