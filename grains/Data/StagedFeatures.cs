using System.Security.Cryptography;
using System.Text.Json;

namespace ModelUploads.Data;

/// <summary>
/// The form in which the sandbox reads features: `features.npy` (int8 when every
/// value is a small integer, else float32 with NaN for missing values) and
/// `features.json` with the ids, eras, data types and feature names. Targets, when
/// the source has them, go to `targets.npy` (float64, rows x targets) with their
/// names in the same JSON file.
/// </summary>
public static class StagedFeatures
{
    public const string MatrixFile = "features.npy";
    public const string MetadataFile = "features.json";
    public const string TargetsFile = "targets.npy";

    /// <summary>Writes the table into a new folder and returns the folder's metadata.</summary>
    public static StagedFeaturesMetadata Write(FeatureTable table, string directory)
    {
        Directory.CreateDirectory(directory);

        var metadata = new StagedFeaturesMetadata
        {
            Ids = table.Ids,
            Eras = table.Eras,
            DataTypes = table.DataTypes,
            FeatureNames = table.FeatureNames,
            TargetNames = table.Targets.Keys.ToArray(),
        };

        if (FitsInt8(table.Values))
        {
            var narrowed = new sbyte[table.Values.Length];
            for (var i = 0; i < narrowed.Length; i++)
            {
                narrowed[i] = (sbyte)table.Values[i];
            }

            NpyWriter.WriteInt8(Path.Combine(directory, MatrixFile), narrowed, table.RowCount, table.FeatureCount);
        }
        else
        {
            NpyWriter.WriteFloat32(Path.Combine(directory, MatrixFile), table.Values, table.RowCount, table.FeatureCount);
        }

        if (table.Targets.Count > 0)
        {
            var targets = new double[table.RowCount * table.Targets.Count];
            var columns = table.Targets.Values.ToArray();
            for (var i = 0; i < table.RowCount; i++)
            {
                for (var t = 0; t < columns.Length; t++)
                {
                    targets[i * columns.Length + t] = columns[t][i];
                }
            }

            NpyWriter.WriteFloat64(Path.Combine(directory, TargetsFile), targets, table.RowCount, columns.Length);
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(metadata, StagedFeaturesMetadata.JsonOptions);
        File.WriteAllBytes(Path.Combine(directory, MetadataFile), json);
        return metadata;
    }

    /// <summary>Folder under a chunked staging folder that contains one subfolder per chunk.</summary>
    public const string ChunksFolder = "chunks";

    /// <summary>
    /// Writes the table as chunks of whole eras, each at most <paramref name="maxRowsPerChunk"/>
    /// rows unless a single era is larger, into DIRECTORY/chunks/000, 001 and so on.
    /// Returns the chunk folders in order; their rows, in order, are the table's rows.
    /// </summary>
    public static IReadOnlyList<string> WriteChunks(FeatureTable table, string directory, int maxRowsPerChunk)
    {
        var chunks = new List<string>();
        var start = 0;
        while (start < table.RowCount)
        {
            var end = start;
            while (end < table.RowCount)
            {
                var eraEnd = end + 1;
                while (eraEnd < table.RowCount && table.Eras[eraEnd] == table.Eras[end])
                {
                    eraEnd++;
                }

                if (end > start && eraEnd - start > maxRowsPerChunk)
                {
                    break;
                }

                end = eraEnd;
            }

            var chunk = Path.Combine(directory, ChunksFolder, chunks.Count.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            Write(table.Slice(start, end - start), chunk);
            chunks.Add(chunk);
            start = end;
        }

        return chunks;
    }

    /// <summary>Lists a chunked staging folder's chunk folders in order.</summary>
    public static IReadOnlyList<string> ChunkDirectories(string directory) =>
        Directory.GetDirectories(Path.Combine(directory, ChunksFolder)).Order(StringComparer.Ordinal).ToArray();

    public static StagedFeaturesMetadata ReadMetadata(string directory)
    {
        var path = Path.Combine(directory, MetadataFile);
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<StagedFeaturesMetadata>(stream, StagedFeaturesMetadata.JsonOptions)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var digest = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(digest);
    }

    private static bool FitsInt8(float[] values)
    {
        foreach (var value in values)
        {
            if (float.IsNaN(value) || value != MathF.Round(value) || value < sbyte.MinValue || value > sbyte.MaxValue)
            {
                return false;
            }
        }

        return true;
    }
}
