using System.Globalization;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>Reads a process's resident memory from /proc, and samples it in the background.</summary>
public sealed class ProcessMemory : IAsyncDisposable
{
    private readonly int _processId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakBytes;

    private ProcessMemory(int processId, TimeSpan interval)
    {
        _processId = processId;
        _peakBytes = ResidentBytes(processId);
        _sampling = SampleAsync(interval);
    }

    /// <summary>The largest resident size seen since sampling started.</summary>
    public long PeakBytes => Interlocked.Read(ref _peakBytes);

    /// <summary>Starts sampling the process's resident size at the interval.</summary>
    public static ProcessMemory StartSampling(int processId, TimeSpan interval) => new(processId, interval);

    /// <summary>The process's resident set size (VmRSS) in bytes.</summary>
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kibibytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kibibytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{processId}/status has no VmRSS line; is process {processId} running?");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sampling;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task SampleAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            var resident = ResidentBytes(_processId);
            if (resident > Interlocked.Read(ref _peakBytes))
            {
                Interlocked.Exchange(ref _peakBytes, resident);
            }
        }
    }
}
