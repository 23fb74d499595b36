namespace ModelUploads.Tests.Unit;

/// <summary>A new folder under the system temporary folder that is deleted with its contents on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"modeluploads-unit-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes the lines, each ended by '\n', to a file in this folder and returns the file's path.</summary>
    public string WriteLines(string fileName, IEnumerable<string> lines)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, string.Concat(lines.Select(line => line + "\n")));
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
