using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelUploads.Data;

/// <summary>
/// Reads the .npy files this project writes (version 1.0, C order,
/// little-endian int8, float32 or float64) into float or double arrays.
/// </summary>
public static partial class NpyReader
{
    /// <summary>Reads a matrix of any supported dtype as float32, returning it row-major with its shape.</summary>
    public static (float[] Values, int[] Shape) ReadAsFloat32(string path)
    {
        using var stream = File.OpenRead(path);
        var (dtype, shape) = ReadHeader(stream, path);
        var count = checked((int)shape.Aggregate(1L, (product, dimension) => product * dimension));
        var values = new float[count];
        switch (dtype)
        {
            case "|i1":
                var bytes = new byte[count];
                stream.ReadExactly(bytes);
                for (var i = 0; i < count; i++)
                {
                    values[i] = (sbyte)bytes[i];
                }

                break;
            case "<f4":
                var raw = new byte[count * sizeof(float)];
                stream.ReadExactly(raw);
                for (var i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * sizeof(float)));
                }

                break;
            default:
                throw new InvalidDataException($"{path} has dtype {dtype}; int8 or float32 was expected.");
        }

        return (values, shape);
    }

    /// <summary>Reads a float64 matrix row-major with its shape.</summary>
    public static (double[] Values, int[] Shape) ReadFloat64(string path)
    {
        using var stream = File.OpenRead(path);
        var (dtype, shape) = ReadHeader(stream, path);
        if (dtype != "<f8")
        {
            throw new InvalidDataException($"{path} has dtype {dtype}; float64 was expected.");
        }

        var count = checked((int)shape.Aggregate(1L, (product, dimension) => product * dimension));
        var raw = new byte[count * sizeof(double)];
        stream.ReadExactly(raw);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(i * sizeof(double)));
        }

        return (values, shape);
    }

    private static (string Dtype, int[] Shape) ReadHeader(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[10];
        stream.ReadExactly(prefix);
        if (prefix[0] != 0x93 || Encoding.ASCII.GetString(prefix[1..6]) != "NUMPY" || prefix[6] != 1)
        {
            throw new InvalidDataException($"{path} is not a version 1 .npy file.");
        }

        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var text = Encoding.ASCII.GetString(header);
        var dtype = DtypePattern().Match(text);
        var shape = ShapePattern().Match(text);
        if (!dtype.Success || !shape.Success || text.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} has a header this reader does not support: {text.Trim()}");
        }

        var dimensions = shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture))
            .ToArray();
        return (dtype.Groups[1].Value, dimensions);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DtypePattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
