using System.IO.Compression;
using System.Text.Json;
using ModelUploads.Gateway.Uploads;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// The scanner against real pickles that Pickles/scanner_pickles.py writes inside the Python 3.11 runtime
/// image with real cloudpickle, sklearn and xgboost, at several protocols. The script also writes
/// modules.json, the modules that Python's pickletools finds in each file and that a real Unpickler looks
/// up, which the scanner must match.
/// </summary>
public sealed class PickleScannerRealPickleTests
{
    private static readonly Lazy<Task<string>> OutputDirectory = new(WritePicklesAsync);

    public static TheoryData<string> PickleNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in ExpectedNames())
        {
            names.Add(name);
        }

        return names;
    }

    [Fact]
    public async Task ScriptWritesEveryExpectedPickle()
    {
        // When
        var expected = await ExpectedModulesAsync();

        // Then
        var written = expected.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(ExpectedNames().Order(StringComparer.Ordinal).ToArray(), written);
    }

    [Theory]
    [MemberData(nameof(PickleNames))]
    public async Task ScannerMatchesPythonOnRealPickle(string name)
    {
        // Given the file and what Python finds in it
        var directory = await OutputDirectory.Value;
        var path = Path.Combine(directory, name);
        var (protocol, modules) = (await ExpectedModulesAsync())[name];
        Assert.True(modules.Count > 0, $"{name}: modules.json lists no modules, so the comparison would prove nothing");

        // When it is scanned from a file, which can seek, and from a GZip stream, which cannot
        PickleScan fromFile;
        await using (var file = File.OpenRead(path))
        {
            fromFile = PickleScanner.Scan(file, file.Length);
        }

        var bytes = await File.ReadAllBytesAsync(path);
        PickleScan fromGzip;
        await using (var gzip = Decompressing(bytes))
        {
            fromGzip = PickleScanner.Scan(gzip, bytes.Length);
        }

        // Then both scans match Python's modules and protocol
        Assert.True(fromFile.Error is null, $"{name}: {fromFile.Error}");
        Assert.Equal(modules, fromFile.Modules);
        Assert.Equal(protocol, fromFile.Protocol);
        Assert.True(fromGzip.Error is null, $"{name} through GZip: {fromGzip.Error}");
        Assert.Equal(modules, fromGzip.Modules);
        Assert.Equal(protocol, fromGzip.Protocol);
    }

    [Theory]
    [InlineData("function_p5.pkl", "cloudpickle.cloudpickle")]
    [InlineData("function_p5.pkl", "pandas.core.indexes.base")]
    [InlineData("function_p5.pkl", "numpy.core.multiarray")]
    [InlineData("ridge_p2.pkl", "sklearn.linear_model._ridge")]
    [InlineData("ridge_p5.pkl", "sklearn.linear_model._ridge")]
    [InlineData("xgboost_p5.pkl", "xgboost.core")]
    [InlineData("lightgbm_p0.pkl", "lightgbm")]
    [InlineData("lightgbm_p4.pkl", "lightgbm")]
    public async Task ScannerFindsLibraryModule(string name, string module)
    {
        // Given
        var path = Path.Combine(await OutputDirectory.Value, name);

        // When
        PickleScan scan;
        await using (var file = File.OpenRead(path))
        {
            scan = PickleScanner.Scan(file, file.Length);
        }

        // Then
        Assert.True(scan.Error is null, $"{name}: {scan.Error}");
        Assert.Contains(module, scan.Modules);
    }

    /// <summary>The file names that scanner_pickles.py writes.</summary>
    private static IEnumerable<string> ExpectedNames()
    {
        for (var protocol = 2; protocol <= 5; protocol++)
        {
            yield return $"function_p{protocol}.pkl";
            yield return $"xgboost_p{protocol}.pkl";
        }

        for (var protocol = 0; protocol <= 5; protocol++)
        {
            yield return $"ridge_p{protocol}.pkl";
            yield return $"lightgbm_p{protocol}.pkl";
        }
    }

    private static async Task<Dictionary<string, (int Protocol, List<string> Modules)>> ExpectedModulesAsync()
    {
        var directory = await OutputDirectory.Value;
        await using var json = File.OpenRead(Path.Combine(directory, "modules.json"));
        using var document = await JsonDocument.ParseAsync(json);
        var expected = new Dictionary<string, (int, List<string>)>(StringComparer.Ordinal);
        foreach (var file in document.RootElement.EnumerateObject())
        {
            var protocol = file.Value.GetProperty("protocol").GetInt32();
            var modules = file.Value.GetProperty("modules").EnumerateArray().Select(module => module.GetString()!).ToList();
            expected[file.Name] = (protocol, modules);
        }

        return expected;
    }

    private static async Task<string> WritePicklesAsync()
    {
        var outDir = TestEnvironment.NewWorkDirectory("scanner");
        File.SetUnixFileMode(outDir, (UnixFileMode)0b111_111_111);
        var picklesDir = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Pickles");
        await ProcessRunner.RunAsync("docker", [
            "run", "--rm", "--network", "none", "--user", "10001:10001",
            "-v", $"{outDir}:/output",
            "-v", $"{picklesDir}:/pickles:ro",
            "modeluploads-runtime:py3.11", "python3", "/pickles/scanner_pickles.py",
        ], TimeSpan.FromMinutes(2));
        return outDir;
    }

    private static GZipStream Decompressing(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        compressed.Position = 0;
        return new GZipStream(compressed, CompressionMode.Decompress);
    }
}
