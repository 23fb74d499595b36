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
    public static IReadOnlyList<string> Names { get; } = ["round", "overhead", "status", "heavy", "upload", "handoff"];

    /// <summary>Runs every benchmark, or those named in <paramref name="only"/>, on a silo with no round open yet.</summary>
    public static async Task<IReadOnlyList<ReportSection>> RunAsync(BenchmarkContext context, IReadOnlyCollection<string>? only = null)
    {
        // The round benchmark needs a silo with no round open and no validation data staged, so it goes first.
        // The status benchmark reads a run the overhead benchmark made. Each benchmark disables the
        // models it made, so the rounds opened after it run none of them.
        Func<BenchmarkContext, Task<ReportSection>>[] benchmarks =
        [
            RoundBenchmark.RunAsync,
            RunOverheadBenchmark.RunAsync,
            StatusLatencyBenchmark.RunAsync,
            HeavyModelBenchmark.RunAsync,
            UploadBenchmark.RunAsync,
            DataHandoffBenchmark.RunAsync,
        ];
        var unknown = only?.Except(Names, StringComparer.Ordinal).ToArray() ?? [];
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown benchmark '{unknown[0]}'; the benchmarks are {string.Join(", ", Names)}", nameof(only));
        }

        var sections = new List<ReportSection>();
        for (var i = 0; i < benchmarks.Length; i++)
        {
            if (only is null || only.Contains(Names[i]))
            {
                sections.Add(await benchmarks[i](context));
                context.Progress($"finished: {sections[^1].Title}");
            }
        }

        return sections.OrderBy(s => IndexOf(s.Title)).ToArray();
    }

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
