namespace ModelUploads.Bench.Infrastructure;

/// <summary>Summary statistics of measured samples.</summary>
public static class Statistics
{
    public static double Median(IReadOnlyCollection<double> samples) => Percentile(samples, 0.5);

    /// <summary>The nearest-rank percentile: the smallest sample at or above the fraction of all samples.</summary>
    public static double Percentile(IReadOnlyCollection<double> samples, double fraction)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("there are no samples to summarise", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
