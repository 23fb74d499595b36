using System.Diagnostics;
using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// Time from a trigger to Success through the platform, against a bare container run of the
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
        var triggeredAt = new List<DateTimeOffset>();
        var timelines = new List<RunTimeline>();
        var runnerSeconds = new List<double>();
        string? lastRunId = null;
        var inputs = await context.Gateway.DownloadInputsAsync(receipt.LiveRunId!, context.NewDirectory("overhead-inputs-" + modelId));
        var bare = new List<BareRun>();
        var command = new List<BareRun>();
        var plain = new List<BareRun>();

        // The four ways alternate, so that a slow spell of the machine touches each of them alike.
        for (var i = 0; i < context.Scale.Repetitions; i++)
        {
            context.Progress($"overhead: repetition {i + 1} of {context.Scale.Repetitions} of the {name} model");
            triggeredAt.Add(DateTimeOffset.UtcNow);
            var clock = Stopwatch.StartNew();
            lastRunId = await context.Gateway.TriggerAsync(modelId);
            var run = await context.Gateway.WaitForSuccessAsync(lastRunId, RunTimeout, BenchmarkContext.TimedPollInterval);
            platform.Add(clock.Elapsed.TotalSeconds);
            timelines.Add(RunTimeline.Of(run));
            runnerSeconds.Add(RunTimeline.RunnerSeconds(await context.Gateway.GetLogAsync(lastRunId)));

            bare.Add(await context.Sandbox.RunContainerAsync(inputs, context.Image));
            command.Add(await context.Sandbox.RunDockerCommandAsync(inputs, context.Image));
            plain.Add(await context.Sandbox.RunPlainAsync(inputs, context.Image));
        }

        context.FinishedRunId = lastRunId;
        return new CaseResult(name, platform, triggeredAt, timelines, runnerSeconds, bare, command, plain);
    }

    private static ReportSection Report(BenchmarkContext context, BenchmarkDataset dataset, IReadOnlyList<CaseResult> results)
    {
        var section = new ReportSection(Title)
            .Paragraph(
                $"Each model runs {context.Scale.Repetitions} times for a round of {Format.Number(context.Scale.TypicalLiveRows)} live rows "
                + $"x {context.Scale.TypicalFeatures} features, one run at a time, in four ways that take turns. The platform's time runs from "
                + "sending the trigger to the client's first sight of Success, polling every "
                + $"{BenchmarkContext.TimedPollInterval.TotalMilliseconds:0} ms. The bare container run uses the run's own inputs "
                + "(from `GET /api/runs/{id}/inputs.tar`) and the silo's container settings, limits included, and is timed from creating "
                + "the container to removing it through the engine's API, as the silo drives it. The `docker run` command runs the reproduction "
                + "command of a run's log, whose `--network none` still sets up a network namespace (the silo disables networking instead) "
                + "and which adds the Docker CLI's own start-up. The plain process runs the same runner chrooted into the image's files, "
                + "with no container. Figures are medians.")
            .Table(
                ["model", "platform", "bare container run", "`docker run` command", "plain process", "platform / bare", "bare / plain"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name, Format.Seconds(r.PlatformMedian), Format.Seconds(r.BareMedian), Format.Seconds(Median(r.Command)),
                    Format.Seconds(Median(r.Plain)), Format.Ratio(r.Ratio), Format.Ratio(r.BareMedian / Median(r.Plain)),
                ]))
            .Paragraph("The runner's own work in each (loading the pickle, predicting and writing the predictions, as runner.py times it), median seconds:")
            .Table(
                ["model", "platform", "bare container run", "`docker run` command", "plain process"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name, Format.Seconds(Statistics.Median(r.RunnerSeconds)), Format.Seconds(RunnerMedian(r.Bare)),
                    Format.Seconds(RunnerMedian(r.Command)), Format.Seconds(RunnerMedian(r.Plain)),
                ]))
            .Paragraph(
                "Where the platform's time goes, as median seconds between the run's recorded status changes. Running is recorded once "
                + "the run holds a slot and has checked its pickle's SHA-256. Validating is recorded once the container's exit has been seen "
                + "and its result read, just before the container is removed and the slot freed. The last column is the client's view "
                + "of Success after the run recorded it.")
            .Table(
                ["model", "trigger to Pending", "Pending to Running", "Running to Validating", "Validating to Success", "Success to the client"],
                results.Select(r => (IReadOnlyList<string>)
                [
                    r.Name,
                    Format.Seconds(Statistics.Median(r.Timelines.Select((t, i) => (t.Queued - r.TriggeredAt[i]).TotalSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select(t => t.QueueSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select(t => t.ContainerSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select(t => t.ValidationSeconds).ToArray())),
                    Format.Seconds(Statistics.Median(r.Timelines.Select((t, i) => r.Platform[i] - (t.Finished - r.TriggeredAt[i]).TotalSeconds).ToArray())),
                ]));

        foreach (var result in results)
        {
            section.Target(new TargetResult(
                $"Platform / bare container run, {result.Name}",
                "at most 1.10 (aim 1.05)",
                Format.Ratio(result.Ratio),
                result.Ratio <= 1.10,
                $"The platform took {Format.Seconds(result.PlatformMedian - result.BareMedian)} more than the bare run. "
                + $"Its largest share is {result.LargestExtraStage()}, where the silo also writes the run's state to PostgreSQL three times, "
                + "follows the container's log and reads its result."));
        }

        return section;
    }

    private static double Median(IEnumerable<BareRun> runs) => Statistics.Median(runs.Select(r => r.Seconds).ToArray());

    private static double RunnerMedian(IEnumerable<BareRun> runs) => Statistics.Median(runs.Select(r => r.RunnerSeconds).ToArray());

    private sealed record CaseResult(
        string Name,
        List<double> Platform,
        List<DateTimeOffset> TriggeredAt,
        List<RunTimeline> Timelines,
        List<double> RunnerSeconds,
        List<BareRun> Bare,
        List<BareRun> Command,
        List<BareRun> Plain)
    {
        public double PlatformMedian => Statistics.Median(Platform);

        public double BareMedian => Median(Bare);

        public double Ratio => PlatformMedian / BareMedian;

        public string LargestExtraStage()
        {
            var stages = new (string Name, double Seconds)[]
            {
                ("Pending to Running: taking a slot and checking the pickle", Statistics.Median(Timelines.Select(t => t.QueueSeconds).ToArray())),
                ("Running to Validating beyond the bare run's whole time", Statistics.Median(Timelines.Select(t => t.ContainerSeconds).ToArray()) - BareMedian),
                ("Validating to Success: validation and storing the submission", Statistics.Median(Timelines.Select(t => t.ValidationSeconds).ToArray())),
            };
            var largest = stages.MaxBy(s => s.Seconds);
            return $"{largest.Name} ({Format.Seconds(largest.Seconds)})";
        }
    }
}
