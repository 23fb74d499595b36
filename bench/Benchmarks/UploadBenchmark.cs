using System.Diagnostics;
using System.Security.Cryptography;
using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// A large pickle through the gateway: throughput against a plain file copy on the same
/// disk, and the growth of the silo process's resident memory (it co-hosts the gateway).
/// </summary>
public static class UploadBenchmark
{
    public const string Title = "Upload";

    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);

    public static async Task<ReportSection> RunAsync(BenchmarkContext context)
    {
        if (await context.Gateway.CurrentRoundAsync() is { } open)
        {
            throw new InvalidOperationException(
                $"The upload benchmark measures the gateway alone, so its uploads must start no runs, but round {open} is open. Run it on a new database.");
        }

        if (await context.Gateway.HasValidationDataAsync())
        {
            throw new InvalidOperationException(
                "The upload benchmark measures the gateway alone, so its uploads must start no runs, but validation data is staged. Run it on a new database.");
        }

        var dataset = await context.TypicalDatasetAsync();
        context.Progress($"upload: making a pickle of {Format.Bytes(context.Scale.UploadBytes)}");
        var pickle = await context.Models.PaddedAsync(dataset, context.Scale.UploadBytes);
        var size = new FileInfo(pickle).Length;

        // A silo's first large upload runs partly in unoptimized tier-0 code, so a small upload warms the path first.
        var modelId = await context.Gateway.CreateModelAsync("upload-" + size);
        var warmUp = await context.Models.PaddedAsync(dataset, Math.Max(1 << 20, context.Scale.UploadBytes / 128));
        var baseline = ProcessMemory.ResidentBytes(context.Target.SiloProcessId);
        var seconds = new List<double>();
        long peak;
        await using (var memory = ProcessMemory.StartSampling(context.Target.SiloProcessId, SampleInterval))
        {
            await UploadAndWaitAsync(context, modelId, warmUp);
            for (var i = 0; i < context.Scale.Repetitions; i++)
            {
                context.Progress($"upload: sending {Format.Bytes(size)} to model {modelId}, {i + 1} of {context.Scale.Repetitions}");
                seconds.Add(await UploadAndWaitAsync(context, modelId, pickle));
            }

            peak = memory.PeakBytes;
        }

        await context.Gateway.DisableAsync(modelId, "The upload benchmark has finished.");
        var hashes = new List<double>();
        for (var i = 0; i < context.Scale.Repetitions; i++)
        {
            hashes.Add(await HashSecondsAsync(pickle));
        }

        var copy = Path.Combine(Path.GetDirectoryName(pickle)!, "copy-of-" + Path.GetFileName(pickle));
        var copies = new List<double>();
        for (var i = 0; i < context.Scale.Repetitions; i++)
        {
            copies.Add((await CommandRunner.RunCheckedAsync("cp", ["--reflink=never", pickle, copy], TimeSpan.FromMinutes(10))).Elapsed.TotalSeconds);
            File.Delete(copy);
        }

        var result = new UploadResult(size, Statistics.Median(seconds), Statistics.Median(copies), Statistics.Median(hashes), baseline, peak);
        return Report(result, context.Scale.Repetitions);
    }

    /// <summary>The seconds one SHA-256 pass over the file takes in this process, which the gateway must make of every upload.</summary>
    private static async Task<double> HashSecondsAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 18];
        int read;
        while ((read = await file.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        hash.GetHashAndReset();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Uploads the pickle and returns the seconds to the gateway's response. It then waits for any
    /// runs the upload started, so their containers do not share the cores with the next upload.
    /// </summary>
    private static async Task<double> UploadAndWaitAsync(BenchmarkContext context, string modelId, string pickle)
    {
        var clock = Stopwatch.StartNew();
        var receipt = await context.Gateway.UploadAsync(modelId, pickle, BenchmarkContext.PythonVersion);
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var runId in new[] { receipt.LiveRunId, receipt.ValidationRunId }.OfType<string>())
        {
            await context.Gateway.WaitForSuccessAsync(runId, RunTimeout);
        }

        return seconds;
    }

    private static ReportSection Report(UploadResult result, int repetitions)
    {
        var section = new ReportSection(Title)
            .Paragraph(
                $"One pickle of {Format.Bytes(result.Bytes)} (a cheap predict with a random payload in its closure) is posted as a multipart "
                + "form to `POST /api/models/{id}/upload` over loopback, from the benchmark's own HttpClient. Throughput is its size over the "
                + "time to the response. On the way, the gateway writes the stream to a file and hashes it, then reads the stored file once more "
                + "to scan its opcodes. The plain copy is `cp --reflink=never` of the same file on the same disk, which copies inside the kernel "
                + "(copy_file_range in GNU coreutils 9.1). No round is open and no validation data is staged, so the uploads start no runs and "
                + $"the figures are the gateway's path alone. Times are medians of {repetitions}, after a smaller upload has warmed the silo's code. "
                + "Memory is the silo process's resident size before the smaller upload and its peak over all of them, sampled every "
                + $"{SampleInterval.TotalMilliseconds:0} ms.")
            .Table(
                ["size", "upload time", "upload throughput", "plain copy time", "plain copy throughput", "SHA-256 alone", "upload / copy", "resident memory before", "peak during uploads", "growth"],
                [[
                    Format.Bytes(result.Bytes), Format.Seconds(result.UploadSeconds), Format.Throughput(result.UploadThroughput),
                    Format.Seconds(result.CopySeconds), Format.Throughput(result.CopyThroughput), Format.Throughput(result.HashThroughput),
                    Format.Ratio(result.UploadThroughput / result.CopyThroughput),
                    Format.Bytes(result.BaselineBytes), Format.Bytes(result.PeakBytes), Format.Bytes(result.GrowthBytes),
                ]]);

        section.Target(new TargetResult(
            "Gateway memory growth", "under 100 MB", Format.Megabytes(result.GrowthBytes), result.GrowthBytes < 100_000_000,
            $"The silo's resident memory grew by {Format.Megabytes(result.GrowthBytes)} during the uploads."));
        section.Target(new TargetResult(
            "Upload throughput / plain copy", "at least 0.50", Format.Ratio(result.UploadThroughput / result.CopyThroughput),
            result.UploadThroughput / result.CopyThroughput >= 0.50,
            $"The store names each pickle by its SHA-256, and one SHA-256 pass over the file alone runs at {Format.Throughput(result.HashThroughput)} "
            + $"here, {Format.Ratio(result.HashThroughput / result.CopyThroughput)} of the copy's speed. On top of the hash, the gateway receives the "
            + "bytes over HTTP, parses the multipart form, writes the file and reads it again for the scan, where `cp` copies inside the kernel."));
        return section;
    }

    private sealed record UploadResult(long Bytes, double UploadSeconds, double CopySeconds, double HashSeconds, long BaselineBytes, long PeakBytes)
    {
        public double HashThroughput => Bytes / HashSeconds;

        public double UploadThroughput => Bytes / UploadSeconds;

        public double CopyThroughput => Bytes / CopySeconds;

        public long GrowthBytes => Math.Max(0, PeakBytes - BaselineBytes);
    }
}
