using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ModelUploads.Gateway.Uploads;

namespace ModelUploads.Tests.Unit;

public sealed class PickleScannerTests
{
    private const byte Proto = 0x80;
    private const byte Frame = 0x95;
    private const byte Global = (byte)'c';
    private const byte StackGlobal = 0x93;
    private const byte Memoize = 0x94;
    private const byte BinGet = (byte)'h';
    private const byte BinPut = (byte)'q';
    private const byte Mark = (byte)'(';
    private const byte Pop = (byte)'0';
    private const byte EmptyTuple = (byte)')';
    private const byte EmptyDict = (byte)'}';
    private const byte Reduce = (byte)'R';
    private const byte NewObj = 0x81;
    private const byte Build = (byte)'b';
    private const byte BinInt1 = (byte)'K';
    private const byte BinBytes8 = 0x8e;
    private const byte BinUnicode = (byte)'X';
    private const byte Stop = (byte)'.';

    [Fact]
    public void ScanListsGlobalModuleOfProtocol2Pickle()
    {
        // Given collections.OrderedDict() at protocol 2, as CPython writes it
        var pickle = Concat(
            Proto, 2,
            Global, "collections\nOrderedDict\n", BinPut, 0,
            EmptyTuple, Reduce, BinPut, 1,
            Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(2, scan.Protocol);
        Assert.Equal(["collections"], scan.Modules);
    }

    [Fact]
    public void ScanResolvesStackGlobalFromShortBinUnicode()
    {
        // Given sklearn.base.BaseEstimator() at protocol 4: STACK_GLOBAL pops the two memoized strings
        var pickle = Concat(
            Proto, 4,
            ShortBinUnicode("sklearn.base"), Memoize,
            ShortBinUnicode("BaseEstimator"), Memoize,
            StackGlobal, Memoize,
            EmptyTuple, NewObj, Memoize,
            Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(4, scan.Protocol);
        Assert.Equal(["sklearn.base"], scan.Modules);
    }

    [Fact]
    public void ScanResolvesStackGlobalModuleFromMemoGet()
    {
        // Given a module string memoized at index 0 and popped, then pushed again with BINGET
        var pickle = Concat(
            Proto, 4,
            ShortBinUnicode("lightgbm"), Memoize, Pop,
            BinInt1, 7, Memoize, Pop,
            BinGet, 0, ShortBinUnicode("Booster"), Memoize,
            StackGlobal, Memoize,
            EmptyTuple, NewObj,
            Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(["lightgbm"], scan.Modules);
    }

    [Fact]
    public void ScanCountsOutOfOrderMemoKeys()
    {
        // Given BINPUT at index 5, so the memo contains one key and MEMOIZE stores "lightgbm" at index 1
        var pickle = Concat(
            Proto, 4,
            ShortBinUnicode("unused"), BinPut, 5, Pop,
            ShortBinUnicode("lightgbm"), Memoize, Pop,
            BinGet, 1, ShortBinUnicode("Booster"),
            StackGlobal,
            Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(["lightgbm"], scan.Modules);
    }

    [Fact]
    public void ScanReadsOpcodesInsideFrames()
    {
        // Given two frames, the second starting between the module and the name of a STACK_GLOBAL
        var first = Concat(ShortBinUnicode("numpy.core.multiarray"), Memoize);
        var second = Concat(
            ShortBinUnicode("_reconstruct"), Memoize, StackGlobal, Memoize,
            ShortBinUnicode("numpy"), ShortBinUnicode("ndarray"), StackGlobal,
            Reduce,
            Stop);
        var pickle = Concat(Proto, 4, Frame, UInt64(first.Length), first, Frame, UInt64(second.Length), second);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(["numpy.core.multiarray", "numpy"], scan.Modules);
    }

    [Fact]
    public void ScanReadsProtocol0Pickle()
    {
        // Given an old-style instance, a GLOBAL, text memo indexes and protocol 0 strings
        var pickle = Concat(
            Mark, "i__main__\nOldStyle\n", "p0\n",
            Mark, "dp1\n", "S'name'\n", "p2\n", "V\u00e9t\u00e9\n", "p3\n", (byte)'s', Build,
            Global, "copy_reg\n_reconstructor\n", "p4\n", Pop,
            "g0\n",
            Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(0, scan.Protocol);
        Assert.Equal(["__main__", "copy_reg"], scan.Modules);
    }

    [Fact]
    public void ScanResolvesStackGlobalFromProtocol0Strings()
    {
        // Given a STACK_GLOBAL whose module is a quoted STRING and whose name is a UNICODE line
        var pickle = Concat("S'os.path'\n", "Vjoin\n", StackGlobal, Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(4, scan.Protocol);
        Assert.Equal(["os.path"], scan.Modules);
    }

    [Fact]
    public void ScanListsModulesOnceInOrder()
    {
        // Given three globals, the first and third from the same module
        var pickle = Concat(
            Proto, 2,
            Global, "numpy\ndtype\n", Pop,
            Global, "builtins\nlist\n", Pop,
            Global, "numpy\nndarray\n",
            Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal(["numpy", "builtins"], scan.Modules);
    }

    [Fact]
    public void ScanSkipsLargePayloadOfSeekableStream()
    {
        // Given a BINBYTES8 payload larger than the read buffer, full of bytes that are opcodes
        var pickle = LargePayloadPickle();
        using var stream = new MemoryStream(pickle);

        // When
        var scan = PickleScanner.Scan(stream, pickle.Length);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(["builtins"], scan.Modules);
    }

    [Fact]
    public void ScanSkipsLargePayloadOfNonSeekableStream()
    {
        // Given the same pickle behind a GZip stream, which cannot seek
        var pickle = LargePayloadPickle();
        using var stream = NonSeekable(pickle);
        Assert.False(stream.CanSeek, "a GZipStream that decompresses should not seek");

        // When
        var scan = PickleScanner.Scan(stream, pickle.Length);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(["builtins"], scan.Modules);
    }

    [Fact]
    public void ScanStopsAtStop()
    {
        // Given a GLOBAL after the STOP opcode
        var pickle = Concat(Proto, 2, Global, "os\npath\n", Stop, Global, "subprocess\nrun\n", Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.True(scan.Error is null, scan.Error);
        Assert.Equal(["os"], scan.Modules);
    }

    [Fact]
    public void ScanReportsTruncatedStringArgument()
    {
        // Given a SHORT_BINUNICODE at offset 2 that declares 12 bytes, cut after 7
        var pickle = Concat(Proto, 4, ShortBinUnicode("sklearn.base"))[..11];

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal(
            "The pickle is truncated: SHORT_BINUNICODE at byte offset 2 reads past the end of the file, which is at byte offset 11.",
            scan.Error);
        Assert.Equal(4, scan.Protocol);
    }

    [Fact]
    public void ScanReportsTruncatedPayloadOfNonSeekableStream()
    {
        // Given a BINBYTES8 at offset 2 whose payload the stream ends inside, while the caller claims more bytes
        var pickle = Concat(Proto, 5, BinBytes8, UInt64(100_000), new byte[70_000]);
        using var stream = NonSeekable(pickle);

        // When
        var scan = PickleScanner.Scan(stream, 200_000);

        // Then
        Assert.Equal(
            $"The pickle is truncated: BINBYTES8 at byte offset 2 reads past the end of the file, which is at byte offset {pickle.Length}.",
            scan.Error);
    }

    [Fact]
    public void ScanReportsPickleWithoutStop()
    {
        // Given a pickle whose last opcode is a complete GLOBAL
        var pickle = Concat(Proto, 2, Global, "os\npath\n");

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal("The pickle is truncated: the file ends at byte offset 11 before the STOP opcode.", scan.Error);
        Assert.Equal(["os"], scan.Modules);
    }

    [Fact]
    public void ScanReadsOnlyTheGivenLength()
    {
        // Given a length that ends the pickle before its STOP
        var pickle = Concat(Proto, 2, Global, "os\npath\n", Stop);

        // When
        using var stream = new MemoryStream(pickle);
        var scan = PickleScanner.Scan(stream, pickle.Length - 1);

        // Then
        Assert.Equal("The pickle is truncated: the file ends at byte offset 11 before the STOP opcode.", scan.Error);
        Assert.True(
            stream.Position <= pickle.Length - 1,
            $"the scanner read to position {stream.Position}, past the length {pickle.Length - 1}");
    }

    [Fact]
    public void ScanReportsUnknownOpcode()
    {
        // Given the byte 0xff, which is no opcode, at offset 2
        var pickle = Concat(Proto, 4, (byte)0xff, Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal("Byte 0xff at byte offset 2 is not a pickle opcode, so the file is corrupt or not a pickle.", scan.Error);
    }

    [Fact]
    public void ScanReportsFileThatIsNoPickle()
    {
        // Given a JSON document
        var json = Encoding.UTF8.GetBytes("{\"weights\": [1, 2, 3]}");

        // When
        var scan = Scan(json);

        // Then
        Assert.Equal(
            "The file does not start like a pickle, because its first byte 0x7b at byte offset 0 is not a pickle opcode.",
            scan.Error);
        Assert.Empty(scan.Modules);
    }

    [Fact]
    public void ScanReportsEmptyFile()
    {
        // When
        var scan = Scan([]);

        // Then
        Assert.Equal("The file is empty, so there is no pickle opcode at byte offset 0.", scan.Error);
    }

    [Fact]
    public void ScanReportsUnsupportedProtocol()
    {
        // Given PROTO 6
        var pickle = Concat(Proto, 6, (byte)'N', Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal("PROTO at byte offset 0 declares protocol 6, but the highest pickle protocol is 5.", scan.Error);
    }

    [Fact]
    public void ScanReportsStackGlobalWithoutStringModule()
    {
        // Given a STACK_GLOBAL at offset 13 whose module slot contains an integer
        var pickle = Concat(Proto, 4, BinInt1, 1, ShortBinUnicode("Booster"), StackGlobal, Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.NotNull(scan.Error);
        Assert.StartsWith(
            "STACK_GLOBAL at byte offset 13 takes its module or name from a stack value that is not a tracked string",
            scan.Error);
    }

    [Fact]
    public void ScanReportsStackGlobalWithTooLongModule()
    {
        // Given a module string of 2,000 bytes, which the scanner skips and does not track
        var module = new string('a', 2000);
        var pickle = Concat(Proto, 4, BinUnicode, UInt32(module.Length), module, ShortBinUnicode("f"), StackGlobal, Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.NotNull(scan.Error);
        Assert.StartsWith("STACK_GLOBAL at byte offset", scan.Error);
    }

    [Fact]
    public void ScanForgetsStringsDeepInStack()
    {
        // Given a module string below 4,096 other strings, which the stack model drops, then a STACK_GLOBAL
        var parts = new List<object> { Proto, 4, ShortBinUnicode("deep.module") };
        parts.AddRange(Enumerable.Repeat<object>(ShortBinUnicode("x"), 4096));
        parts.AddRange(Enumerable.Repeat<object>(Pop, 4096));
        parts.AddRange([ShortBinUnicode("name"), StackGlobal, Stop]);

        // When
        var scan = Scan(Concat([.. parts]));

        // Then
        Assert.NotNull(scan.Error);
        Assert.StartsWith("STACK_GLOBAL at byte offset", scan.Error);
        Assert.Empty(scan.Modules);
    }

    [Fact]
    public void ScanRejectsMoreThan10000Modules()
    {
        // Given 10,001 GLOBALs of distinct modules
        var parts = new List<object> { Proto, 2 };
        for (var i = 0; i <= 10_000; i++)
        {
            parts.AddRange([Global, $"module{i}\nname\n", Pop]);
        }

        parts.AddRange([(byte)'N', Stop]);

        // When
        var scan = Scan(Concat([.. parts]));

        // Then
        Assert.NotNull(scan.Error);
        Assert.StartsWith("GLOBAL at byte offset", scan.Error);
        Assert.Contains("beyond the first 10000 distinct ones", scan.Error);
        Assert.Equal(10_000, scan.Modules.Count);
    }

    [Fact]
    public void ScanReportsStackUnderflow()
    {
        // Given a MARK and a REDUCE that needs two values above it
        var pickle = Concat(Proto, 2, (byte)'N', Mark, (byte)'N', Reduce, Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal(
            "REDUCE at byte offset 5 pops 2 values, but the stack contains 1 above the last MARK, so the pickle is invalid.",
            scan.Error);
    }

    [Fact]
    public void ScanReportsGetOfMissingMemoIndex()
    {
        // Given a BINGET of an index that no PUT stored
        var pickle = Concat(Proto, 2, EmptyDict, BinPut, 0, BinGet, 3, Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal("BINGET at byte offset 5 gets memo index 3, which no earlier opcode stored, so the pickle is invalid.", scan.Error);
    }

    [Fact]
    public void ScanPopsMarkWhenNoValueAbove()
    {
        // Given POP right after MARK, which pops the MARK as the Unpickler does, so TUPLE finds no MARK
        var pickle = Concat(Proto, 2, Mark, Pop, (byte)'t', Stop);

        // When
        var scan = Scan(pickle);

        // Then
        Assert.Equal("TUPLE at byte offset 4 pops to a MARK, but the stack contains no MARK, so the pickle is invalid.", scan.Error);
    }

    private static PickleScan Scan(byte[] pickle) => PickleScanner.Scan(new MemoryStream(pickle), pickle.Length);

    /// <summary>A protocol 5 pickle with a 200,000-byte BINBYTES8 payload of '.' and 'c' bytes, then a GLOBAL of builtins.</summary>
    private static byte[] LargePayloadPickle()
    {
        var payload = new byte[200_000];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = i % 2 == 0 ? Stop : Global;
        }

        return Concat(Proto, 5, BinBytes8, UInt64(payload.Length), payload, Pop, Global, "builtins\nprint\n", Stop);
    }

    private static GZipStream NonSeekable(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        compressed.Position = 0;
        return new GZipStream(compressed, CompressionMode.Decompress);
    }

    private static byte[] ShortBinUnicode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [0x8c, checked((byte)bytes.Length), .. bytes];
    }

    private static byte[] UInt32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, checked((uint)value));
        return bytes;
    }

    private static byte[] UInt64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, checked((ulong)value));
        return bytes;
    }

    /// <summary>Concatenates opcode bytes, byte arrays, and strings written as Latin-1 (one byte a character).</summary>
    private static byte[] Concat(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case byte single:
                    bytes.Add(single);
                    break;
                case int small:
                    bytes.Add(checked((byte)small));
                    break;
                case byte[] array:
                    bytes.AddRange(array);
                    break;
                case string text:
                    bytes.AddRange(Encoding.Latin1.GetBytes(text));
                    break;
                default:
                    throw new ArgumentException($"cannot write a {part.GetType()} into a pickle", nameof(parts));
            }
        }

        return [.. bytes];
    }
}
