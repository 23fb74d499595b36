using System.Buffers.Binary;
using System.Text;

namespace ModelUploads.Data;

/// <summary>
/// Writes arrays in NumPy's .npy format (version 1.0, C order, little-endian),
/// which numpy.load reads without any other library.
/// </summary>
public static class NpyWriter
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    public static void WriteInt8(string path, ReadOnlySpan<sbyte> values, params int[] shape)
    {
        using var stream = Create(path, "|i1", shape, values.Length);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    public static void WriteFloat32(string path, ReadOnlySpan<float> values, params int[] shape)
    {
        using var stream = Create(path, "<f4", shape, values.Length);
        var buffer = new byte[4096 * sizeof(float)];
        for (var start = 0; start < values.Length; start += 4096)
        {
            var chunk = values.Slice(start, Math.Min(4096, values.Length - start));
            for (var i = 0; i < chunk.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * sizeof(float)), chunk[i]);
            }

            stream.Write(buffer, 0, chunk.Length * sizeof(float));
        }
    }

    public static void WriteFloat64(string path, ReadOnlySpan<double> values, params int[] shape)
    {
        using var stream = Create(path, "<f8", shape, values.Length);
        var buffer = new byte[sizeof(double)];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }

    private static FileStream Create(string path, string dtype, int[] shape, int count)
    {
        var expected = shape.Aggregate(1L, (product, dimension) => product * dimension);
        if (expected != count)
        {
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {expected} values but {count} were given.");
        }

        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shapeText}, }}";

        // The magic, the 2-byte header length and the header end on a multiple of 64 bytes.
        var unpadded = Magic.Length + 2 + header.Length + 1;
        var padding = (64 - unpadded % 64) % 64;
        var headerBytes = Encoding.ASCII.GetBytes(header + new string(' ', padding) + "\n");

        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(Magic);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)headerBytes.Length));
        stream.Write(length);
        stream.Write(headerBytes);
        return stream;
    }
}
