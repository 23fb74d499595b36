using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Docker;
using ModelUploads.Hosting;

namespace ModelUploads.Runtimes;

/// <summary>
/// The runtime images this silo can run, with the Python and library versions
/// read from each image by running its runner with --describe. Images are looked
/// up once and then cached; <see cref="RefreshAsync"/> looks again.
/// </summary>
internal sealed partial class RuntimeCatalog(
    SandboxEngine engine, IOptions<SandboxOptions> options, IOptions<StorageOptions> storage, ILogger<RuntimeCatalog> logger) : IDisposable
{
    private readonly Dictionary<string, Task> _exports = [];
    private static readonly string[] DescribeCommand = ["python3", "/opt/modeluploads/runner.py", "--describe"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<RuntimeInfo>? _runtimes;

    public async Task<IReadOnlyList<RuntimeInfo>> ListAsync(CancellationToken cancellationToken)
    {
        if (_runtimes is { } cached)
        {
            return cached;
        }

        return await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<RuntimeInfo?> FindAsync(string pythonVersion, CancellationToken cancellationToken)
    {
        var runtimes = await ListAsync(cancellationToken).ConfigureAwait(false);
        return runtimes.FirstOrDefault(r => r.PythonVersion == pythonVersion);
    }

    public async Task<IReadOnlyList<RuntimeInfo>> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var found = new List<RuntimeInfo>();
            foreach (var version in options.Value.OfferedPythonVersions.Distinct(StringComparer.Ordinal))
            {
                var image = options.Value.ImageFor(version);
                var imageId = await engine.FindImageIdAsync(image, cancellationToken).ConfigureAwait(false);
                if (imageId is null)
                {
                    LogImageMissing(logger, image, version);
                    continue;
                }

                var output = await engine.RunToCompletionAsync(image, DescribeCommand, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
                var description = ParseDescription(output, image);
                var libraries = description.Libraries
                    .Where(l => l.Value is not null)
                    .ToDictionary(l => l.Key, l => l.Value!, StringComparer.Ordinal);
                found.Add(new RuntimeInfo(version, image, imageId, description.Python, libraries, IsDefault: found.Count == 0, description.Modules));
                LogRuntimeFound(logger, image, description.Python);
            }

            _runtimes = found;
            return found;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<RuntimeArchive> ExportImageAsync(string pythonVersion, CancellationToken cancellationToken)
    {
        var runtime = await FindAsync(pythonVersion, cancellationToken).ConfigureAwait(false)
            ?? throw new Errors.ModelUploadsException(
                Errors.ProblemKind.NotFound,
                "Runtime not found",
                $"No runtime has Python version '{pythonVersion}'. List the runtimes with GET /api/runtimes.");

        // Named by image id, so a rebuilt image gets a new archive.
        var path = Path.Combine(storage.Value.Root, "runtimes", $"{runtime.ImageId.Replace("sha256:", "", StringComparison.Ordinal)}.tar");
        if (File.Exists(path))
        {
            return new RuntimeArchive(pythonVersion, Ready: true, path, runtime.Image);
        }

        lock (_exports)
        {
            if (!_exports.TryGetValue(path, out var export) || export.IsCompleted)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                _exports[path] = Task.Run(() => SaveAsync(runtime.Image, path), CancellationToken.None);
            }
        }

        return new RuntimeArchive(pythonVersion, Ready: false, path, runtime.Image);
    }

    public void Dispose() => _gate.Dispose();

    private async Task SaveAsync(string image, string path)
    {
        try
        {
            await engine.SaveImageAsync(image, path, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogExportFailed(logger, exception, image);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Saving image {Image} as an archive failed; the next request tries again")]
    private static partial void LogExportFailed(ILogger logger, Exception exception, string image);

    private static RuntimeDescription ParseDescription(string output, string image)
    {
        // The runner prints one JSON line; anything else in the output is noise from the image.
        var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'))
            ?? throw new InvalidOperationException($"{image}: the runner's --describe printed no JSON: {output}");
        return JsonSerializer.Deserialize<RuntimeDescription>(line, RuntimeDescription.JsonOptions)
            ?? throw new InvalidOperationException($"{image}: the runner's --describe printed null.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runtime image {Image} is missing, so Python {PythonVersion} is not offered; build it with sandbox/build-image.sh {PythonVersion}")]
    private static partial void LogImageMissing(ILogger logger, string image, string pythonVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runtime image {Image} runs Python {FullPythonVersion}")]
    private static partial void LogRuntimeFound(ILogger logger, string image, string fullPythonVersion);
}
