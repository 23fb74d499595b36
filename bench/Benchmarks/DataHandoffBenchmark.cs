using System.Diagnostics;
using System.Globalization;
using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;
using ModelUploads.Data;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// From a live parquet file of Numerai's full size to the features the sandbox reads. It times
/// the silo's read of the parquet file and write of features.npy, a whole round opening through
/// the API, and the runner's load of the staged files inside a sandbox container.
/// </summary>
public static class DataHandoffBenchmark
{
    public const string Title = "Data hand-off";

    // The runner's own load_features, then a sum over every feature value, timed inside the container.
    // load_features maps features.npy, so the sum is what reads its bytes. The import of pandas is left out.
    private const string SandboxRead =
        "import sys, time; sys.path.insert(0, '/opt/modeluploads'); import runner, numpy, pandas; "
        + "started = time.perf_counter(); frame = runner.load_features(pandas, numpy, '/input'); "
        + "total = int(frame.iloc[:, 2:].to_numpy().sum(dtype='int64')); "
        + "print(time.perf_counter() - started, frame.shape[0], frame.shape[1], total)";

    public static async Task<ReportSection> RunAsync(BenchmarkContext context)
    {
        var dataset = await context.FullSizeDatasetAsync();
        var reads = new List<double>();
        var writes = new List<double>();
        var sandboxReads = new List<double>();
        var rounds = new List<double>();
        var staged = context.NewDirectory("handoff-staged");
        FeatureTable? table = null;
        for (var i = 0; i < context.Scale.Repetitions; i++)
        {
            context.Progress($"hand-off: repetition {i + 1} of {context.Scale.Repetitions}");
            var clock = Stopwatch.StartNew();
            table = await ParquetFeatureReader.ReadAsync(dataset.LiveFile, CancellationToken.None);
            reads.Add(clock.Elapsed.TotalSeconds);

            clock.Restart();
            StagedFeatures.Write(table, staged);
            writes.Add(clock.Elapsed.TotalSeconds);

            sandboxReads.Add(await ReadInSandboxAsync(context, staged, table));

            // Every model is disabled by now, so the new round starts no runs.
            clock.Restart();
            await context.Gateway.OpenRoundAsync(dataset.LiveFile);
            rounds.Add(clock.Elapsed.TotalSeconds);
        }

        var result = new HandoffResult(
            table!.RowCount, table.FeatureCount, new FileInfo(dataset.LiveFile).Length,
            new FileInfo(Path.Combine(staged, StagedFeatures.MatrixFile)).Length,
            Statistics.Median(reads), Statistics.Median(writes), Statistics.Median(rounds), Statistics.Median(sandboxReads));
        return Report(result, context.Scale.Repetitions);
    }

    private static async Task<double> ReadInSandboxAsync(BenchmarkContext context, string staged, FeatureTable table)
    {
        var output = await CommandRunner.RunCheckedAsync("docker", [
            "run", "--rm", "--network", "none", "--cpus", context.Limits.Cpus.ToString(CultureInfo.InvariantCulture),
            "--memory", context.Limits.MemoryBytes.ToString(CultureInfo.InvariantCulture),
            "--user", $"{context.Limits.SandboxUid}:{context.Limits.SandboxUid}",
            "-v", $"{staged}:/input:ro", context.Image, "python3", "-c", SandboxRead,
        ], TimeSpan.FromMinutes(5));
        var fields = output.StandardOutput.Trim().Split(' ');
        var rows = int.Parse(fields[1], CultureInfo.InvariantCulture);
        var columns = int.Parse(fields[2], CultureInfo.InvariantCulture);

        // The frame has the era and data_type columns in front of the features.
        if (rows != table.RowCount || columns != table.FeatureCount + 2)
        {
            throw new InvalidOperationException(
                $"the sandbox read {rows} rows x {columns} columns, but {table.RowCount} rows x {table.FeatureCount + 2} columns were staged");
        }

        return double.Parse(fields[0], CultureInfo.InvariantCulture);
    }

    private static ReportSection Report(HandoffResult result, int repetitions)
    {
        return new ReportSection(Title)
            .Paragraph(
                $"The live file has {Format.Number(result.Rows)} rows x {Format.Number(result.Features)} int8 features. The silo's reader "
                + "(Parquet.Net) and writer of features.npy and features.json, which every run of the round mounts read-only, are timed here in "
                + "the benchmark process. Opening a round through `POST /api/rounds` does both in the silo and stores the round. Inside a sandbox "
                + "container, the runner maps features.npy, builds the DataFrame the model gets, and a sum over every feature value then reads "
                + $"each byte. Figures are medians of {repetitions}.")
            .Table(
                ["parquet file", "features.npy", "read parquet", "write npy", "open a round (API)", "sandbox's read and sum", "rows per second, parquet to npy"],
                [[
                    Format.Bytes(result.ParquetBytes), Format.Bytes(result.NpyBytes), Format.Seconds(result.ReadSeconds), Format.Seconds(result.WriteSeconds),
                    Format.Seconds(result.RoundSeconds), Format.Seconds(result.SandboxReadSeconds),
                    Format.Number(result.Rows / (result.ReadSeconds + result.WriteSeconds)),
                ]]);
    }

    private sealed record HandoffResult(
        int Rows, int Features, long ParquetBytes, long NpyBytes, double ReadSeconds, double WriteSeconds, double RoundSeconds, double SandboxReadSeconds);
}
