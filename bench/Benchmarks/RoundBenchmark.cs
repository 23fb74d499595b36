using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;
using ModelUploads.Runs;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// One round for many uploaded models with a cheap predict: the makespan from opening the
/// round to the last Success, against the ideal of the bare run time times the models over the slots.
/// </summary>
public static class RoundBenchmark
{
    public const string Title = "A full round";

    // The run histories give the times, so the polls only learn that runs have ended; few of them load the silo less.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    public static async Task<ReportSection> RunAsync(BenchmarkContext context)
    {
        if (await context.Gateway.CurrentRoundAsync() is { } open)
        {
            throw new InvalidOperationException(
                $"The round benchmark needs a silo with no open round, so that uploads start no runs, but round {open} is open. Run it on a new database.");
        }

        var dataset = await context.TypicalDatasetAsync();
        var pickle = await context.Models.CheapAsync(dataset);
        var models = new List<string>();
        context.Progress($"round: uploading {context.Scale.RoundModels} models");
        for (var i = 0; i < context.Scale.RoundModels; i++)
        {
            var (modelId, receipt) = await context.UploadModelAsync($"round-{i:D3}", pickle);
            if (receipt.LiveRunId is not null || receipt.ValidationRunId is not null)
            {
                throw new InvalidOperationException($"the upload to model {modelId} started a run before the round opened; the silo must have no validation data staged");
            }

            models.Add(modelId);
        }

        context.Progress("round: opening the round");
        var openedAt = DateTimeOffset.UtcNow;
        var round = await context.Gateway.OpenRoundAsync(dataset.LiveFile);
        var timeout = TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(30.0 * models.Count / context.Slots);
        var runs = await WaitForRoundAsync(context, models, round, timeout);

        var inputs = await context.Gateway.DownloadInputsAsync(runs[0].Run.RunId, context.NewDirectory("round-inputs"));
        // The bare runs go as many at a time as there are slots, as the round's runs do. So the ideal pays
        // the sharing of cores and disk that the slots cannot avoid, and only the platform's own work is left over.
        var bare = new List<double>();
        while (bare.Count < context.Scale.RoundBareSamples)
        {
            var batch = Enumerable.Range(0, Math.Min(context.Slots, context.Scale.RoundBareSamples - bare.Count))
                .Select(_ => context.Sandbox.RunContainerAsync(inputs, context.Image));
            bare.AddRange((await Task.WhenAll(batch)).Select(run => run.Seconds));
        }

        await context.DisableModelsAsync();
        return Report(context, new RoundResult(openedAt, runs, bare, context.Slots));
    }

    private static async Task<List<RunTimeline>> WaitForRoundAsync(BenchmarkContext context, List<string> models, int round, TimeSpan timeout)
    {
        var finished = new Dictionary<string, RunTimeline>(StringComparer.Ordinal);
        var stopAt = DateTime.UtcNow + timeout;
        while (finished.Count < models.Count)
        {
            if (DateTime.UtcNow > stopAt)
            {
                throw new TimeoutException($"{models.Count - finished.Count} of {models.Count} models had no finished run for round {round} after {timeout}");
            }

            await Task.Delay(PollInterval);
            foreach (var modelId in models.Where(m => !finished.ContainsKey(m)))
            {
                var runs = await context.Gateway.ListRunsAsync(modelId);
                var live = runs.FirstOrDefault(r => r.Round == round && r.Kind == RunKind.Live);
                if (live is not { IsTerminal: true })
                {
                    continue;
                }

                if (live.Status != RunStatus.Success)
                {
                    throw new InvalidOperationException($"run {live.RunId} of model {modelId} ended in {live.Status}: {live.Description}");
                }

                finished[modelId] = RunTimeline.Of(live);
            }

            context.Progress($"round: {finished.Count} of {models.Count} runs finished");
        }

        return finished.Values.OrderBy(t => t.Started).ToList();
    }

    private static ReportSection Report(BenchmarkContext context, RoundResult result)
    {
        var section = new ReportSection(Title)
            .Paragraph(
                $"{result.Runs.Count} models with the same cheap predict (it ranks one feature) are uploaded before the round opens; "
                + $"opening the round starts every live run. The silo has {result.Slots} sandbox slots, its default on this machine, "
                + $"and at most {result.PeakConcurrency} runs held one at the same time. "
                + $"The ideal is the mean of {result.Bare.Count} bare container runs of one model's inputs (through the engine's API, "
                + $"{result.Slots} at a time as the slots run them) "
                + $"times the {Format.Number(Math.Ceiling(result.Runs.Count / (double)result.Slots))} runs each slot must make. A slot counts as busy "
                + "from a run's Running status (it holds the slot and has checked its pickle) to its Validating status (the container's exit "
                + "has been seen), which leaves out the container's removal just after.")
            .Table(
                ["makespan", "ideal", "makespan / ideal", "slot use", "open to first start", "max runs holding a slot", "mean slot time per run", "mean bare run"],
                [[
                    Format.Seconds(result.Makespan), Format.Seconds(result.Ideal), Format.Ratio(result.Makespan / result.Ideal),
                    Format.Percent(result.SlotUse), Format.Seconds(result.FirstStartSeconds), result.PeakConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.Seconds(result.MeanSlotSeconds), Format.Seconds(result.BareMean),
                ]]);

        section.Target(new TargetResult(
            "Makespan / ideal", "at most 1.15", Format.Ratio(result.Makespan / result.Ideal), result.Makespan / result.Ideal <= 1.15,
            $"Each run held its slot for {Format.Seconds(result.MeanSlotSeconds)} on average, against {Format.Seconds(result.BareMean)} for a bare run, "
            + $"and the slots stood idle for {Format.Seconds(result.IdleSlotSeconds / result.Runs.Count)} of slot time per run. Between Running and "
            + "Validating the silo also writes the run's state to PostgreSQL three times, follows the container's log and reads its result, "
            + $"on the same {Environment.ProcessorCount} cores as the containers."));
        section.Target(new TargetResult(
            "Slot use", "at least 90 %", Format.Percent(result.SlotUse), result.SlotUse >= 0.90,
            $"The slots stood idle for {Format.Seconds(result.IdleSlotSeconds)} of slot time in all, "
            + $"{Format.Seconds(result.Slots * result.FirstStartSeconds)} of it before the first run started."));
        return section;
    }

    private sealed record RoundResult(DateTimeOffset OpenedAt, List<RunTimeline> Runs, List<double> Bare, int Slots)
    {
        public double Makespan => (Runs.Max(r => r.Finished) - OpenedAt).TotalSeconds;

        public double BareMean => Bare.Average();

        public double Ideal => BareMean * Math.Ceiling(Runs.Count / (double)Slots);

        public double BusySeconds => Runs.Sum(r => r.ContainerSeconds);

        public double MeanSlotSeconds => BusySeconds / Runs.Count;

        public double SlotUse => BusySeconds / (Slots * Makespan);

        public double IdleSlotSeconds => Slots * Makespan - BusySeconds;

        public double FirstStartSeconds => (Runs.Min(r => r.Started) - OpenedAt).TotalSeconds;

        /// <summary>The most runs that held a slot at one instant, from their Running and Validating times.</summary>
        public int PeakConcurrency
        {
            get
            {
                var events = Runs.SelectMany(r => new[] { (At: r.Started, Change: 1), (At: r.Validating, Change: -1) })
                    .OrderBy(e => e.At).ThenBy(e => e.Change);
                var current = 0;
                var peak = 0;
                foreach (var (_, change) in events)
                {
                    current += change;
                    peak = Math.Max(peak, current);
                }

                return peak;
            }
        }
    }
}
