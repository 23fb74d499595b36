using Parquet;
using Parquet.Schema;

namespace ModelUploads.Data;

/// <summary>
/// Reads a file in Numerai's parquet layout: an `id` string column (pandas
/// writes the index as one), `era`, `data_type`, `feature_*` columns of small
/// integers, and optional `target*` float columns. Unknown columns are ignored.
/// </summary>
public static class ParquetFeatureReader
{
    public const string IdColumn = "id";
    public const string EraColumn = "era";
    public const string DataTypeColumn = "data_type";
    public const string FeaturePrefix = "feature_";
    public const string TargetPrefix = "target";

    public static async Task<FeatureTable> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);

        var fields = reader.Schema.GetDataFields();
        var idField = fields.FirstOrDefault(f => f.Name == IdColumn)
            ?? throw new InvalidDataException($"{path} has no '{IdColumn}' column; Numerai files index their rows by a string id column named '{IdColumn}'.");
        var eraField = fields.FirstOrDefault(f => f.Name == EraColumn);
        var dataTypeField = fields.FirstOrDefault(f => f.Name == DataTypeColumn);
        var featureFields = fields.Where(f => f.Name.StartsWith(FeaturePrefix, StringComparison.Ordinal)).ToArray();
        var targetFields = fields.Where(f => f.Name.StartsWith(TargetPrefix, StringComparison.Ordinal)).ToArray();
        if (featureFields.Length == 0)
        {
            throw new InvalidDataException($"{path} has no column whose name starts with '{FeaturePrefix}'.");
        }

        var rowCount = 0L;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            rowCount += reader.OpenRowGroupReader(g).RowCount;
        }

        var rows = checked((int)rowCount);
        var ids = new string?[rows];
        var eras = new string?[rows];
        var dataTypes = new string?[rows];
        var values = new float[checked(rows * featureFields.Length)];
        var targets = targetFields.ToDictionary(f => f.Name, _ => new double[rows]);

        var offset = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var groupRows = checked((int)group.RowCount);

            await ReadStringsAsync(group, idField, ids.AsMemory(offset, groupRows), path, cancellationToken);
            await ReadStringsOrDefaultAsync(group, eraField, eras.AsMemory(offset, groupRows), "", cancellationToken);
            await ReadStringsOrDefaultAsync(group, dataTypeField, dataTypes.AsMemory(offset, groupRows), "", cancellationToken);

            var column = new double[groupRows];
            for (var j = 0; j < featureFields.Length; j++)
            {
                await ReadNumbersAsync(group, featureFields[j], column, cancellationToken);
                for (var i = 0; i < groupRows; i++)
                {
                    values[(long)(offset + i) * featureFields.Length + j] = (float)column[i];
                }
            }

            foreach (var field in targetFields)
            {
                await ReadNumbersAsync(group, field, column, cancellationToken);
                column.AsSpan().CopyTo(targets[field.Name].AsSpan(offset, groupRows));
            }

            offset += groupRows;
        }

        var missingId = Array.IndexOf(ids, null);
        if (missingId >= 0)
        {
            throw new InvalidDataException($"{path}: row {missingId} has no id; every row needs a string id.");
        }

        return new FeatureTable(ids!, eras!, dataTypes!, featureFields.Select(f => f.Name).ToArray(), values, targets);
    }

    private static async Task ReadStringsAsync(
        ParquetRowGroupReader group, DataField field, Memory<string?> destination, string path, CancellationToken cancellationToken)
    {
        if (!HoldsText(field))
        {
            throw new InvalidDataException($"{path}: column '{field.Name}' contains {field.ClrType.Name} values; it must contain strings.");
        }

        await group.ReadAsync(field, destination, null, cancellationToken);
    }

    private static async Task ReadStringsOrDefaultAsync(
        ParquetRowGroupReader group, DataField? field, Memory<string?> destination, string fallback, CancellationToken cancellationToken)
    {
        if (field is null || !HoldsText(field))
        {
            destination.Span.Fill(fallback);
            return;
        }

        await group.ReadAsync(field, destination, null, cancellationToken);
        var span = destination.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] ??= fallback;
        }
    }

    /// <summary>
    /// Whether a column is a byte-array column that reads as UTF-8 text. Parquet.Net 6
    /// reports such columns as string or as ReadOnlyMemory, depending on the annotation.
    /// </summary>
    private static bool HoldsText(DataField field) =>
        field.ClrType == typeof(string)
        || (field.ClrType.IsGenericType && field.ClrType.GetGenericTypeDefinition() == typeof(ReadOnlyMemory<>));

    /// <summary>Reads a numeric column of any width into doubles, with NaN for nulls.</summary>
    private static Task ReadNumbersAsync(ParquetRowGroupReader group, DataField field, double[] destination, CancellationToken cancellationToken)
    {
        return field.ClrType switch
        {
            var t when t == typeof(sbyte) => ReadAsAsync<sbyte>(group, field, destination, v => v, cancellationToken),
            var t when t == typeof(byte) => ReadAsAsync<byte>(group, field, destination, v => v, cancellationToken),
            var t when t == typeof(short) => ReadAsAsync<short>(group, field, destination, v => v, cancellationToken),
            var t when t == typeof(int) => ReadAsAsync<int>(group, field, destination, v => v, cancellationToken),
            var t when t == typeof(long) => ReadAsAsync<long>(group, field, destination, v => v, cancellationToken),
            var t when t == typeof(float) => ReadAsAsync<float>(group, field, destination, v => v, cancellationToken),
            var t when t == typeof(double) => ReadAsAsync<double>(group, field, destination, v => v, cancellationToken),
            _ => throw new InvalidDataException($"column '{field.Name}' contains {field.ClrType.Name} values; features and targets must be numbers."),
        };
    }

    private static async Task ReadAsAsync<T>(
        ParquetRowGroupReader group, DataField field, double[] destination, Func<T, double> convert, CancellationToken cancellationToken)
        where T : struct
    {
        var count = destination.Length;
        if (field.IsNullable)
        {
            var buffer = new T?[count];
            await group.ReadAsync<T>(field, buffer.AsMemory(), null, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                destination[i] = buffer[i] is { } value ? convert(value) : double.NaN;
            }
        }
        else
        {
            var buffer = new T[count];
            await group.ReadAsync<T>(field, buffer.AsMemory(), null, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                destination[i] = convert(buffer[i]);
            }
        }
    }
}
