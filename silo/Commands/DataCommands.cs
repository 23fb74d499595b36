using System.Globalization;
using ModelUploads.Data;

namespace ModelUploads.Silo.Commands;

/// <summary>
/// Command-line tools that ship with the silo:
/// `generate-data DIR [--live-rows N] [--features N] [--seed N] [--train-eras N] [--validation-eras N] [--rows-per-era N]`
/// writes a synthetic dataset in Numerai's layout, and
/// `stage-features FILE.parquet DIR` converts a parquet file into the .npy form the sandbox reads.
/// </summary>
internal static class DataCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "generate-data" or "stage-features";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args[0] switch
            {
                "generate-data" => await GenerateAsync(args[1..]),
                _ => await StageAsync(args[1..]),
            };
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }
    }

    private static async Task<int> GenerateAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("usage: generate-data DIR [--live-rows N] [--features N] [--seed N] [--train-eras N] [--validation-eras N] [--rows-per-era N]");
        }

        var options = ParseOptions(args[1..]);
        var dataset = new SyntheticDataset
        {
            LiveRows = options.GetValueOrDefault("live-rows", 5000),
            FeatureCount = options.GetValueOrDefault("features", 300),
            Seed = options.GetValueOrDefault("seed", 42),
            TrainEras = options.GetValueOrDefault("train-eras", 40),
            ValidationEras = options.GetValueOrDefault("validation-eras", 12),
            RowsPerEra = options.GetValueOrDefault("rows-per-era", 1000),
        };
        foreach (var path in await dataset.WriteAsync(args[0], CancellationToken.None))
        {
            Console.WriteLine(path);
        }

        return 0;
    }

    private static async Task<int> StageAsync(string[] args)
    {
        if (args.Length != 2)
        {
            throw new ArgumentException("usage: stage-features FILE.parquet DIR");
        }

        var table = await ParquetFeatureReader.ReadAsync(args[0], CancellationToken.None);
        StagedFeatures.Write(table, args[1]);
        Console.WriteLine($"staged {table.RowCount} rows x {table.FeatureCount} features into {args[1]}");
        return 0;
    }

    private static Dictionary<string, int> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected an option such as --live-rows 5000 at '{args[i]}'.");
            }

            if (!int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new ArgumentException($"{args[i]} needs a positive whole number, not '{args[i + 1]}'.");
            }

            options[args[i][2..]] = value;
        }

        return options;
    }
}
