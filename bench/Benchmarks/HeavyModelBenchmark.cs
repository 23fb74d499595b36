using System.Diagnostics;
using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// Two large xgboost models on a live file of Numerai's full size, inside the sandbox's
/// 1 CPU and 4 GB: their time, peak memory and headroom to the wall-clock limit, against
/// the same prediction in a plain process.
/// </summary>
public static class HeavyModelBenchmark
{
    public const string Title = "Heavy models in the limit";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);

    private const int PlainRepetitions = 3;

    public static async Task<ReportSection> RunAsync(BenchmarkContext context)
    {
        var dataset = await context.FullSizeDatasetAsync();
        context.Progress("heavy: opening a round and staging validation data of the full size");
        await context.Gateway.OpenRoundAsync(dataset.LiveFile);
        await context.Gateway.StageValidationAsync(dataset.ValidationFile);

        var scale = context.Scale;
        var cases = new (string Name, int Trees, int Features)[]
        {
            ($"{Format.Number(scale.HeavySmallTrees)} trees on {scale.HeavySmallFeatures} features", scale.HeavySmallTrees, scale.HeavySmallFeatures),
            ($"{Format.Number(scale.HeavyLargeTrees)} trees on all {Format.Number(scale.FullFeatures)} features", scale.HeavyLargeTrees, 0),
        };

        var results = new List<HeavyResult>();
        foreach (var (name, trees, features) in cases)
        {
            context.Progress($"heavy: making the model with {name}");
            var pickle = await context.Models.XgboostAsync(dataset, trees, features);
            context.Progress($"heavy: uploading the model with {name}");
            var (modelId, receipt) = await context.UploadModelAsync($"heavy-{trees}-trees", pickle);
            await context.Gateway.WaitForSuccessAsync(receipt.LiveRunId!, RunTimeout);
            await context.Gateway.WaitForSuccessAsync(receipt.ValidationRunId!, RunTimeout);

            // The upload's live and validation runs share the cores, so a triggered run alone is the one timed.
            context.Progress($"heavy: timing a triggered run of the model with {name}");
            var clock = Stopwatch.StartNew();
            var runId = await context.Gateway.TriggerAsync(modelId);
            var live = RunTimeline.Of(await context.Gateway.WaitForSuccessAsync(runId, RunTimeout, BenchmarkContext.TimedPollInterval));
            var platformSeconds = clock.Elapsed.TotalSeconds;
            var runnerSeconds = RunTimeline.RunnerSeconds(await context.Gateway.GetLogAsync(runId));

            context.Progress($"heavy: plain process of the model with {name}");
            var inputs = await context.Gateway.DownloadInputsAsync(runId, context.NewDirectory($"heavy-inputs-{trees}"));
            var plain = new List<BareRun>();
            for (var i = 0; i < PlainRepetitions; i++)
            {
                plain.Add(await context.Sandbox.RunPlainAsync(inputs, context.Image));
            }

            results.Add(new HeavyResult(name, new FileInfo(pickle).Length, platformSeconds, live, runnerSeconds, plain));
        }

        await context.DisableModelsAsync();
        return Report(context, results);
    }

    private static ReportSection Report(BenchmarkContext context, List<HeavyResult> results)
    {
        var limit = context.Limits.WallClockLimit.TotalSeconds;
        var section = new ReportSection(Title)
            .Paragraph(
                $"The round's live file has {Format.Number(context.Scale.FullLiveRows)} rows x {Format.Number(context.Scale.FullFeatures)} features. "
                + "The models are xgboost regressors of depth 3; to keep training within minutes on this machine, the script trains "
                + "at most 1,000 trees and repeats them to the full count (bench/models/make_model.py), which costs prediction what trained "
                + "trees would. Each model's upload runs first, then one triggered run, alone on the machine, is timed from the trigger "
                + "to the client's view of Success. The container time runs from the Running status to the Validating one (see the "
                + $"overhead benchmark), and the headroom is what remains of the {Format.Seconds(limit)} limit. Peak memory is the container "
                + $"cgroup's, and the plain process's maximum resident size. The plain figures are medians of {PlainRepetitions}.")
            .Table(
                ["model", "pickle", "platform", "container", "runner's own work", "headroom", "peak memory", "plain process", "plain runner's own work", "plain peak memory", "container / plain"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name, Format.Bytes(r.PickleBytes), Format.Seconds(r.PlatformSeconds),
                    Format.Seconds(r.Live.ContainerSeconds), Format.Seconds(r.RunnerSeconds), Format.Seconds(limit - r.Live.ContainerSeconds),
                    Format.Bytes(r.Live.Run.PeakMemoryBytes), Format.Seconds(r.PlainSeconds), Format.Seconds(r.PlainRunnerSeconds),
                    Format.Bytes(r.Plain.Max(p => p.PeakMemoryBytes)), Format.Ratio(r.Live.ContainerSeconds / r.PlainSeconds),
                ]));

        foreach (var result in results)
        {
            var peak = result.Live.Run.PeakMemoryBytes;
            var fits = result.Live.ContainerSeconds < limit && peak < context.Limits.MemoryBytes;
            var limits = $"{context.Limits.Cpus:0.#} CPU, {Format.Bytes(context.Limits.MemoryBytes)} and {Format.Seconds(limit)}";
            section.Target(new TargetResult(
                $"Runs within {limits}, {result.Name}",
                "Success inside the limits",
                $"Success in {Format.Seconds(result.Live.ContainerSeconds)} with a peak of {Format.Bytes(peak)}",
                fits,
                peak is null ? "The run reported no peak memory, so it cannot be checked against the limit." : "The model does not fit the sandbox's limits on this machine."));
        }

        return section;
    }

    private sealed record HeavyResult(string Name, long PickleBytes, double PlatformSeconds, RunTimeline Live, double RunnerSeconds, List<BareRun> Plain)
    {
        public double PlainSeconds => Statistics.Median(Plain.Select(p => p.Seconds).ToArray());

        public double PlainRunnerSeconds => Statistics.Median(Plain.Select(p => p.RunnerSeconds).ToArray());
    }
}
