using System.Globalization;

namespace ModelUploads.Bench.Reporting;

/// <summary>How the report writes numbers: invariant culture, units named.</summary>
public static class Format
{
    public static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " s";

    public static string Milliseconds(double milliseconds) => milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Three decimals, so that a ratio just past a target never prints as the target itself.</summary>
    public static string Ratio(double ratio) => ratio.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Number(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "not reported",
        >= 1L << 30 => (bytes.Value / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes.Value / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes.Value / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
    };

    /// <summary>Decimal megabytes (10^6 bytes), for targets stated in MB.</summary>
    public static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public static string Throughput(double bytesPerSecond) =>
        (bytesPerSecond / (1 << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB/s";
}
