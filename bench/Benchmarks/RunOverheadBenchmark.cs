using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// Time from a trigger to Success through the platform, against a bare `docker run` of the
/// same runner on the same staged inputs, and against the same prediction in a plain process.
/// </summary>
public static class RunOverheadBenchmark
{
    public const string Title = "Overhead per run";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);

    public static async Task<ReportSection> RunAsync(BenchmarkContext context)
    {
        var dataset = await context.TypicalDatasetAsync();
        await context.Gateway.StageValidationAsync(dataset.ValidationFile);
        if (await context.Gateway.CurrentRoundAsync() is null)
        {
            await context.Gateway.OpenRoundAsync(dataset.LiveFile);
        }

        var cases = new (string Name, string Pickle)[]
        {
            ("trivial (ranks one feature)", await context.Models.CheapAsync(dataset)),
            ("typical (xgboost, 60 trees)", await context.Models.TypicalXgboostAsync(dataset)),
        };

        var results = new List<CaseResult>();
        foreach (var (name, pickle) in cases)
        {
            results.Add(await MeasureAsync(context, name, pickle));
        }

        await context.DisableModelsAsync();
        return Report(context, dataset, results);
    }

    private static async Task<CaseResult> MeasureAsync(BenchmarkContext context, string name, string pickle)
    {
        context.Progress($"overhead: uploading the {name} model");
        var (modelId, receipt) = await context.UploadModelAsync("overhead-" + Path.GetFileNameWithoutExtension(pickle), pickle);
        await context.Gateway.WaitForSuccessAsync(receipt.LiveRunId!, RunTimeout);
        await context.Gateway.WaitForSuccessAsync(receipt.ValidationRunId!, RunTimeout);

        var platform = new List<double>();
        var timelines = new List<RunTimeline>();
        var runnerSeconds = new List<double>();
        string? lastRunId = null;
        for (var i = 0; i < context.Scale.Repetitions; i++)
        {
            var triggeredAt = DateTimeOffset.UtcNow;
            lastRunId = await context.Gateway.TriggerAsync(modelId);
            var run = await context.Gateway.WaitForSuccessAsync(lastRunId, RunTimeout);
            var timeline = RunTimeline.Of(run);
            platform.Add((timeline.Finished - triggeredAt).TotalSeconds);
            timelines.Add(timeline);
            runnerSeconds.Add(RunTimeline.RunnerSeconds(await context.Gateway.GetLogAsync(lastRunId)));
        }

        context.FinishedRunId = lastRunId;
        var inputs = await context.Gateway.DownloadInputsAsync(lastRunId!, context.NewDirectory("overhead-inputs-" + modelId));
        var bare = new List<BareRun>();
        var plain = new List<BareRun>();
        for (var i = 0; i < context.Scale.Repetitions; i++)
        {
            context.Progress($"overhead: bare docker run and plain process {i + 1} of {context.Scale.Repetitions} of the {name} model");
            bare.Add(await context.Sandbox.RunContainerAsync(inputs, context.Image));
            plain.Add(await context.Sandbox.RunPlainAsync(inputs, context.Image));
        }

        return new CaseResult(name, platform, timelines, runnerSeconds, bare, plain);
    }

    private static ReportSection Report(BenchmarkContext context, BenchmarkDataset dataset, IReadOnlyList<CaseResult> results)
    {
        var section = new ReportSection(Title)
            .Paragraph(
                $"Each model is triggered {context.Scale.Repetitions} times for a round of {Format.Number(context.Scale.TypicalLiveRows)} live rows "
                + $"x {context.Scale.TypicalFeatures} features, one run at a time. Platform time runs from sending the trigger to the run's Success "
                + "timestamp. The bare `docker run` uses the run's own inputs (from `GET /api/runs/{id}/inputs.tar`) and the sandbox's flags; "
                + "the plain process runs the same runner chrooted into the image's files, with no container. Figures are medians.")
            .Table(
                ["model", "platform", "bare docker run", "plain process", "runner's own work", "platform / bare", "bare / plain"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name, Format.Seconds(r.PlatformMedian), Format.Seconds(r.BareMedian), Format.Seconds(r.PlainMedian),
                    Format.Seconds(Statistics.Median(r.RunnerSeconds)), Format.Ratio(r.Ratio), Format.Ratio(r.BareMedian / r.PlainMedian),
                ]))
            .Paragraph("Where the platform's time goes, median seconds per stage of the timed runs:")
            .Table(
                ["model", "trigger to Pending", "Pending to Running (slot)", "Running to Validating (container)", "Validating to Success"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name,
                    Format.Seconds(Statistics.Median(r.Timelines.Select((t, i) => r.Platform[i] - (t.Finished - t.Queued).TotalSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select(t => t.QueueSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select(t => t.ContainerSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select(t => t.ValidationSeconds).ToArray())),
                ]));

        foreach (var result in results)
        {
            section.Target(new TargetResult(
                $"Platform / bare docker run, {result.Name}",
                "at most 1.10 (aim 1.05)",
                Format.Ratio(result.Ratio),
                result.Ratio <= 1.10,
                $"The platform took {Format.Seconds(result.PlatformMedian - result.BareMedian)} more than the bare run; "
                + $"its largest stage beyond the container is {result.LargestExtraStage()}."));
        }

        return section;
    }

    private sealed record CaseResult(
        string Name, List<double> Platform, List<RunTimeline> Timelines, List<double> RunnerSeconds, List<BareRun> Bare, List<BareRun> Plain)
    {
        public double PlatformMedian => Statistics.Median(Platform);

        public double BareMedian => Statistics.Median(Bare.Select(b => b.Seconds).ToArray());

        public double PlainMedian => Statistics.Median(Plain.Select(b => b.Seconds).ToArray());

        public double Ratio => PlatformMedian / BareMedian;

        public string LargestExtraStage()
        {
            var stages = new (string Name, double Seconds)[]
            {
                ("the wait for a slot", Statistics.Median(Timelines.Select(t => t.QueueSeconds).ToArray())),
                ("the container stage's time beyond the bare run", Statistics.Median(Timelines.Select(t => t.ContainerSeconds).ToArray()) - BareMedian),
                ("validation and storing the submission", Statistics.Median(Timelines.Select(t => t.ValidationSeconds).ToArray())),
            };
            var largest = stages.MaxBy(s => s.Seconds);
            return $"{largest.Name} ({Format.Seconds(largest.Seconds)})";
        }
    }
}
