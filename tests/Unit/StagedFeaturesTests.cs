using System.Buffers.Binary;
using System.Text;
using ModelUploads.Data;

namespace ModelUploads.Tests.Unit;

public sealed class StagedFeaturesTests : IDisposable
{
    /// <summary>The .npy magic string and version 1.0, which puts a 2-byte header length at offset 8.</summary>
    private static readonly byte[] NpyMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    private const int NpyPreambleLength = 10;

    private readonly TemporaryDirectory _directory = new("staged");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ReadMetadataReturnsWrittenMetadata()
    {
        // Given
        var table = Table([0, 1, 2, 3, 4, 0], new Dictionary<string, double[]>
        {
            ["target"] = [0.25, 0.5, double.NaN],
            ["target_b"] = [1, 0, 0.75],
        });

        // When
        var written = StagedFeatures.Write(table, _directory.Path);
        var read = StagedFeatures.ReadMetadata(_directory.Path);

        // Then
        Assert.Equal(table.Ids, read.Ids);
        Assert.Equal(table.Eras, read.Eras);
        Assert.Equal(table.DataTypes, read.DataTypes);
        Assert.Equal(table.FeatureNames, read.FeatureNames);
        Assert.Equal(["target", "target_b"], read.TargetNames);
        Assert.Equal(written.TargetNames, read.TargetNames);
    }

    [Fact]
    public void MetadataUsesRunnerKeys()
    {
        // Given
        var table = Table([0, 1, 2, 3, 4, 0], []);

        // When
        StagedFeatures.Write(table, _directory.Path);

        // Then
        var json = File.ReadAllText(Path.Combine(_directory.Path, StagedFeatures.MetadataFile));
        foreach (var key in new[] { "\"ids\":", "\"eras\":", "\"data_type\":", "\"feature_names\":", "\"target_names\":" })
        {
            Assert.True(json.Contains(key, StringComparison.Ordinal), $"features.json has no key {key}: {json}");
        }
    }

    [Fact]
    public void WriteStoresIntegerFeaturesAsInt8()
    {
        // Given
        float[] values = [0, 1, 2, 3, 4, -5];
        var table = Table(values, []);

        // When
        StagedFeatures.Write(table, _directory.Path);

        // Then
        var (header, data) = ReadNpy(Path.Combine(_directory.Path, StagedFeatures.MatrixFile));
        TextAssert.Contains("'descr': '|i1'", header);
        TextAssert.Contains("'fortran_order': False", header);
        TextAssert.Contains("'shape': (3, 2)", header);
        Assert.Equal(values.Select(v => (byte)(sbyte)v), data);
    }

    [Fact]
    public void WriteStoresNaNFeaturesAsFloat32()
    {
        // Given
        float[] values = [0, 1, float.NaN, 3, 4, 2];
        var table = Table(values, []);

        // When
        StagedFeatures.Write(table, _directory.Path);

        // Then
        var (header, data) = ReadNpy(Path.Combine(_directory.Path, StagedFeatures.MatrixFile));
        TextAssert.Contains("'descr': '<f4'", header);
        TextAssert.Contains("'shape': (3, 2)", header);
        Assert.Equal(values.Length * sizeof(float), data.Length);
        var read = Enumerable.Range(0, values.Length)
            .Select(i => BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(i * sizeof(float))))
            .ToArray();
        Assert.Equal(values, read);
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(128f)]
    [InlineData(-129f)]
    public void WriteStoresOtherFeaturesAsFloat32(float value)
    {
        // Given
        var table = Table([0, 1, value, 3, 4, 2], []);

        // When
        StagedFeatures.Write(table, _directory.Path);

        // Then
        var (header, _) = ReadNpy(Path.Combine(_directory.Path, StagedFeatures.MatrixFile));
        TextAssert.Contains("'descr': '<f4'", header);
    }

    [Fact]
    public void NpyHeaderEndsOnMultipleOf64()
    {
        // Given
        var table = Table([0, 1, 2, 3, 4, 0], []);

        // When
        StagedFeatures.Write(table, _directory.Path);

        // Then
        var bytes = File.ReadAllBytes(Path.Combine(_directory.Path, StagedFeatures.MatrixFile));
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(NpyMagic.Length, 2));
        var dataStart = NpyPreambleLength + headerLength;
        Assert.Equal(NpyMagic, bytes[..NpyMagic.Length]);
        Assert.True(dataStart % 64 == 0, $"the data starts at byte {dataStart}, not a multiple of 64");
        Assert.Equal((byte)'\n', bytes[dataStart - 1]);
        Assert.Equal(dataStart + 6, bytes.Length);
    }

    [Fact]
    public void WriteStoresTargetsAsFloat64Rows()
    {
        // Given
        var table = Table([0, 1, 2, 3, 4, 0], new Dictionary<string, double[]>
        {
            ["target"] = [0.25, 0.5, double.NaN],
            ["target_b"] = [1, 0, 0.75],
        });

        // When
        StagedFeatures.Write(table, _directory.Path);

        // Then
        var (header, data) = ReadNpy(Path.Combine(_directory.Path, StagedFeatures.TargetsFile));
        TextAssert.Contains("'descr': '<f8'", header);
        TextAssert.Contains("'shape': (3, 2)", header);
        var read = Enumerable.Range(0, 6)
            .Select(i => BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(i * sizeof(double))))
            .ToArray();
        Assert.Equal([0.25, 1, 0.5, 0, double.NaN, 0.75], read);
    }

    [Fact]
    public void WriteOmitsTargetsFileWithoutTargets()
    {
        // When
        StagedFeatures.Write(Table([0, 1, 2, 3, 4, 0], []), _directory.Path);

        // Then
        var path = Path.Combine(_directory.Path, StagedFeatures.TargetsFile);
        Assert.False(File.Exists(path), $"{path} was written for a table without targets");
    }

    [Fact]
    public async Task WriteStagesSyntheticLiveAsInt8()
    {
        // Given
        var source = Path.Combine(_directory.Path, "source");
        var staged = Path.Combine(_directory.Path, "staged");
        var dataset = new SyntheticDataset { LiveRows = 50, FeatureCount = 7, TrainEras = 2, ValidationEras = 2, RowsPerEra = 30 };
        await dataset.WriteAsync(source, CancellationToken.None);
        var live = await ParquetFeatureReader.ReadAsync(Path.Combine(source, "live.parquet"), CancellationToken.None);

        // When
        StagedFeatures.Write(live, staged);

        // Then
        var (header, data) = ReadNpy(Path.Combine(staged, StagedFeatures.MatrixFile));
        TextAssert.Contains("'descr': '|i1'", header);
        TextAssert.Contains("'shape': (50, 7)", header);
        Assert.Equal(live.Values.Select(v => (byte)v), data);
        Assert.Equal(live.Ids, StagedFeatures.ReadMetadata(staged).Ids);
    }

    /// <summary>Returns a table of three rows and two features with the values in row-major order.</summary>
    private static FeatureTable Table(float[] values, Dictionary<string, double[]> targets) =>
        new(
            ids: ["n000000000000001", "n000000000000002", "n000000000000003"],
            eras: ["0001", "0001", "0002"],
            dataTypes: ["validation", "validation", "validation"],
            featureNames: ["feature_a", "feature_b"],
            values,
            targets);

    /// <summary>Reads a .npy file into its header text and its data bytes, checking the magic string.</summary>
    private static (string Header, byte[] Data) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(NpyMagic, bytes[..NpyMagic.Length]);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(NpyMagic.Length, 2));
        var header = Encoding.ASCII.GetString(bytes, NpyPreambleLength, headerLength);
        return (header, bytes[(NpyPreambleLength + headerLength)..]);
    }
}
