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
            var (_, receipt) = await context.UploadModelAsync($"heavy-{trees}-trees", pickle);
            var live = RunTimeline.Of(await context.Gateway.WaitForSuccessAsync(receipt.LiveRunId!, RunTimeout));
            await context.Gateway.WaitForSuccessAsync(receipt.ValidationRunId!, RunTimeout);
            var runnerSeconds = RunTimeline.RunnerSeconds(await context.Gateway.GetLogAsync(receipt.LiveRunId!));

            context.Progress($"heavy: plain process of the model with {name}");
            var inputs = await context.Gateway.DownloadInputsAsync(receipt.LiveRunId!, context.NewDirectory($"heavy-inputs-{trees}"));
            var plain = await context.Sandbox.RunPlainAsync(inputs, context.Image);
            results.Add(new HeavyResult(name, new FileInfo(pickle).Length, live, runnerSeconds, plain));
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
                + "trees would. Times are of the upload's live run. The container time runs from taking the slot to the exit; the "
                + $"headroom is what remains of the {Format.Seconds(limit)} limit. Peak memory is the container cgroup's, and the plain "
                + "process's maximum resident size.")
            .Table(
                ["model", "pickle", "platform", "container", "runner's own work", "headroom", "peak memory", "plain process", "plain peak memory", "container / plain"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name, Format.Bytes(r.PickleBytes), Format.Seconds((r.Live.Finished - r.Live.Queued).TotalSeconds),
                    Format.Seconds(r.Live.ContainerSeconds), Format.Seconds(r.RunnerSeconds), Format.Seconds(limit - r.Live.ContainerSeconds),
                    Format.Bytes(r.Live.Run.PeakMemoryBytes), Format.Seconds(r.Plain.Seconds), Format.Bytes(r.Plain.PeakMemoryBytes),
                    Format.Ratio(r.Live.ContainerSeconds / r.Plain.Seconds),
                ]));

        foreach (var result in results)
        {
            var fits = result.Live.ContainerSeconds < limit && result.Live.Run.PeakMemoryBytes < context.Limits.MemoryBytes;
            section.Target(new TargetResult(
                $"Runs within 1 CPU, 4 GB and 10 minutes, {result.Name}",
                "Success inside the limits",
                $"Success in {Format.Seconds(result.Live.ContainerSeconds)} with a peak of {Format.Bytes(result.Live.Run.PeakMemoryBytes)}",
                fits,
                "The model is too large for the sandbox's limits on this machine."));
        }

        return section;
    }

    private sealed record HeavyResult(string Name, long PickleBytes, RunTimeline Live, double RunnerSeconds, BareRun Plain);
}
