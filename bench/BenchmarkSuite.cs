using ModelUploads.Bench.Benchmarks;
using ModelUploads.Bench.Reporting;

namespace ModelUploads.Bench;

/// <summary>Runs the six benchmarks in the order they depend on each other and returns their sections in the report's order.</summary>
public static class BenchmarkSuite
{
    /// <summary>The order of the sections in docs/BENCHMARKS.md.</summary>
    public static IReadOnlyList<string> ReportOrder { get; } =
    [
        RunOverheadBenchmark.Title,
        RoundBenchmark.Title,
        HeavyModelBenchmark.Title,
        UploadBenchmark.Title,
        StatusLatencyBenchmark.Title,
        DataHandoffBenchmark.Title,
    ];

    /// <summary>The short names that select benchmarks on the command line, in the order they run.</summary>
    public static IReadOnlyList<string> Names { get; } = ["upload", "round", "overhead", "status", "heavy", "handoff"];

    /// <summary>Runs every benchmark, or those named in <paramref name="only"/>, on a silo with no round open yet.</summary>
    public static async Task<IReadOnlyList<ReportSection>> RunAsync(BenchmarkContext context, IReadOnlyCollection<string>? only = null)
    {
        var sections = new List<ReportSection>();
        await RunAsync(context, only, sections);
        return InReportOrder(sections);
    }

    /// <summary>Runs the benchmarks and adds each one's section to <paramref name="sections"/> as it finishes, in the order they ran.</summary>
    public static async Task RunAsync(BenchmarkContext context, IReadOnlyCollection<string>? only, List<ReportSection> sections)
    {
        // The upload and round benchmarks need a silo with no round open and no validation data
        // staged, so that uploads start no runs, and they go first. The status benchmark reads a run
        // the overhead benchmark made. Each benchmark disables the models it made, so the rounds
        // opened after it run none of them.
        Func<BenchmarkContext, Task<ReportSection>>[] benchmarks =
        [
            UploadBenchmark.RunAsync,
            RoundBenchmark.RunAsync,
            RunOverheadBenchmark.RunAsync,
            StatusLatencyBenchmark.RunAsync,
            HeavyModelBenchmark.RunAsync,
            DataHandoffBenchmark.RunAsync,
        ];
        var unknown = only?.Except(Names, StringComparer.Ordinal).ToArray() ?? [];
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown benchmark '{unknown[0]}'. The benchmarks are {string.Join(", ", Names)}.", nameof(only));
        }

        for (var i = 0; i < benchmarks.Length; i++)
        {
            if (only is null || only.Contains(Names[i]))
            {
                sections.Add(await benchmarks[i](context));
                context.Progress($"finished: {sections[^1].Title}");
            }
        }
    }

    public static IReadOnlyList<ReportSection> InReportOrder(IEnumerable<ReportSection> sections) =>
        sections.OrderBy(s => IndexOf(s.Title)).ToArray();

    private static int IndexOf(string title)
    {
        for (var i = 0; i < ReportOrder.Count; i++)
        {
            if (ReportOrder[i] == title)
            {
                return i;
            }
        }

        throw new ArgumentException($"no benchmark has the title '{title}'", nameof(title));
    }
}
