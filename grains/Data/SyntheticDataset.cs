using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace ModelUploads.Data;

/// <summary>
/// Generates a deterministic dataset in Numerai's layout: `train.parquet`,
/// `validation.parquet`, `live.parquet` and `features.json`. Features are int8
/// in 0..4. The target is a noisy, per-era quintile of a weighted sum of the
/// first features, so a model trained on `train` scores above zero on
/// `validation`. The newest validation era has no target, as in Numerai's files.
/// </summary>
public sealed class SyntheticDataset
{
    /// <summary>Number of leading features that carry the planted signal.</summary>
    public const int SignalFeatures = 10;

    public int Seed { get; init; } = 42;
    public int FeatureCount { get; init; } = 300;
    public int LiveRows { get; init; } = 5000;
    public int TrainEras { get; init; } = 40;
    public int ValidationEras { get; init; } = 12;
    public int RowsPerEra { get; init; } = 1000;

    /// <summary>Standard deviation of the noise added to the signal; the signal's own is about 1.</summary>
    public double Noise { get; init; } = 1.5;

    private static readonly string[] TargetNames = ["target"];

    private static readonly string[] FirstWords =
        ["able", "bold", "calm", "dark", "eager", "fair", "grand", "hazy", "icy", "jolly", "keen", "lucid"];

    private static readonly string[] SecondWords =
        ["acre", "brook", "cliff", "dune", "elm", "fjord", "grove", "heath", "isle", "jetty", "knoll", "lagoon"];

    public IReadOnlyList<string> FeatureNames()
    {
        var names = new string[FeatureCount];
        for (var i = 0; i < FeatureCount; i++)
        {
            var first = FirstWords[i % FirstWords.Length];
            var second = SecondWords[i / FirstWords.Length % SecondWords.Length];
            names[i] = $"feature_{first}_{second}_{i:D4}";
        }

        return names;
    }

    /// <summary>Writes the four files into the folder and returns their paths.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(Seed);
        var names = FeatureNames();
        var weights = Enumerable.Range(0, SignalFeatures).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        var train = Generate(random, names, weights, "train", firstEra: 1, TrainEras, RowsPerEra, withTarget: true, lastEraTargetMissing: false);
        var validation = Generate(random, names, weights, "validation", firstEra: TrainEras + 1, ValidationEras, RowsPerEra, withTarget: true, lastEraTargetMissing: true);
        var live = Generate(random, names, weights, "live", firstEra: 0, eraCount: 1, LiveRows, withTarget: false, lastEraTargetMissing: false);

        var paths = new List<string>();
        foreach (var (name, table) in new[] { ("train", train), ("validation", validation), ("live", live) })
        {
            var path = Path.Combine(directory, $"{name}.parquet");
            await WriteParquetAsync(table, path, cancellationToken);
            paths.Add(path);
        }

        var featuresJson = Path.Combine(directory, "features.json");
        await File.WriteAllBytesAsync(featuresJson, JsonSerializer.SerializeToUtf8Bytes(new
        {
            feature_sets = new Dictionary<string, IReadOnlyList<string>>
            {
                ["small"] = names.Take(Math.Min(40, names.Count)).ToArray(),
                ["medium"] = names.Take(Math.Min(700, names.Count)).ToArray(),
                ["all"] = names,
            },
            targets = TargetNames,
        }), cancellationToken);
        paths.Add(featuresJson);
        return paths;
    }

    private FeatureTable Generate(
        Random random,
        IReadOnlyList<string> names,
        double[] weights,
        string dataType,
        int firstEra,
        int eraCount,
        int rowsPerEra,
        bool withTarget,
        bool lastEraTargetMissing)
    {
        var rows = eraCount * rowsPerEra;
        var ids = new string[rows];
        var eras = new string[rows];
        var dataTypes = new string[rows];
        var values = new float[rows * names.Count];
        var target = new double[rows];
        var signal = new double[rowsPerEra];
        Span<byte> idBytes = stackalloc byte[8];

        for (var era = 0; era < eraCount; era++)
        {
            // The live file has one placeholder era for every row, as Numerai's does.
            var eraName = dataType == "live" ? "X" : (firstEra + era).ToString("D4");
            for (var r = 0; r < rowsPerEra; r++)
            {
                var row = era * rowsPerEra + r;
                random.NextBytes(idBytes);
                ids[row] = "n" + Convert.ToHexStringLower(idBytes)[..15];
                eras[row] = eraName;
                dataTypes[row] = dataType;

                var score = 0.0;
                for (var j = 0; j < names.Count; j++)
                {
                    var value = random.Next(0, 5);
                    values[row * names.Count + j] = value;
                    if (j < weights.Length)
                    {
                        score += weights[j] * (value - 2) / 1.414;
                    }
                }

                signal[r] = score / Math.Sqrt(weights.Length / 3.0) + NextGaussian(random) * Noise;
            }

            AssignQuintiles(signal, target.AsSpan(era * rowsPerEra, rowsPerEra));
            if (lastEraTargetMissing && era == eraCount - 1)
            {
                target.AsSpan(era * rowsPerEra, rowsPerEra).Fill(double.NaN);
            }
        }

        var targets = withTarget
            ? new Dictionary<string, double[]> { ["target"] = target }
            : new Dictionary<string, double[]>();
        return new FeatureTable(ids, eras, dataTypes, names, values, targets);
    }

    /// <summary>Maps each value to 0, 0.25, 0.5, 0.75 or 1 by its quintile within the era.</summary>
    private static void AssignQuintiles(double[] signal, Span<double> destination)
    {
        var order = Enumerable.Range(0, signal.Length).OrderBy(i => signal[i]).ToArray();
        for (var rank = 0; rank < order.Length; rank++)
        {
            destination[order[rank]] = Math.Min(4, rank * 5 / order.Length) / 4.0;
        }
    }

    private static double NextGaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static async Task WriteParquetAsync(FeatureTable table, string path, CancellationToken cancellationToken)
    {
        var idField = new DataField<string>(ParquetFeatureReader.IdColumn);
        var eraField = new DataField<string>(ParquetFeatureReader.EraColumn);
        var dataTypeField = new DataField<string>(ParquetFeatureReader.DataTypeColumn);
        var featureFields = table.FeatureNames.Select(name => new DataField<sbyte>(name)).ToArray();
        var targetFields = table.Targets.Keys.Select(name => new DataField<double>(name, nullable: true)).ToArray();
        var schema = new ParquetSchema(
            new Field[] { idField, eraField, dataTypeField }.Concat(featureFields).Concat(targetFields).ToArray());

        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(idField, table.Ids.ToArray());
        await group.WriteAsync(eraField, table.Eras.ToArray());
        await group.WriteAsync(dataTypeField, table.DataTypes.ToArray());

        var column = new sbyte[table.RowCount];
        for (var j = 0; j < featureFields.Length; j++)
        {
            for (var i = 0; i < table.RowCount; i++)
            {
                column[i] = (sbyte)table.Values[i * table.FeatureCount + j];
            }

            await group.WriteAsync<sbyte>(featureFields[j], column.AsMemory(), null, null, cancellationToken);
        }

        foreach (var field in targetFields)
        {
            var values = table.Targets[field.Name].Select(v => double.IsNaN(v) ? (double?)null : v).ToArray();
            await group.WriteAsync<double>(field, values.AsMemory(), null, null, cancellationToken);
        }
    }
}
