using ModelUploads.Data;
using ModelUploads.Errors;

namespace ModelUploads.Rounds;

/// <summary>Reads an operator-given dataset file, turning a missing or unreadable file into a clear rejection.</summary>
internal static class DatasetFiles
{
    /// <param name="path">The parquet file on the silo's disk.</param>
    /// <param name="kind">What the file is, such as "live" or "validation", for the messages.</param>
    public static async Task<FeatureTable> ReadAsync(string path, string kind)
    {
        EnsureExists(path, kind);
        FeatureTable table;
        try
        {
            table = await ParquetFeatureReader.ReadAsync(path, CancellationToken.None);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or NotSupportedException)
        {
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                $"Invalid {kind} file",
                $"The {kind} file '{path}' could not be read: {exception.Message}");
        }

        if (table.RowCount == 0)
        {
            throw new ModelUploadsException(ProblemKind.Invalid, $"Empty {kind} file", $"The {kind} file '{path}' has no rows.");
        }

        return table;
    }

    public static void EnsureExists(string path, string kind)
    {
        if (!File.Exists(path))
        {
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                $"{Capitalize(kind)} file not found",
                $"The {kind} file '{path}' does not exist on the silo. Give the path of a {kind}.parquet file in Numerai's layout.");
        }
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
