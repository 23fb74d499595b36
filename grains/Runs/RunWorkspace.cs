using System.Runtime.InteropServices;
using ModelUploads.Storage;

namespace ModelUploads.Runs;

/// <summary>
/// The files of one run under the storage root: a folder per attempt whose
/// `output` the container writes, and the run's log. Submissions live apart,
/// under `submissions/MODEL/round-N`.
/// </summary>
internal sealed partial class RunWorkspace(string root, string runId)
{
    public string RunDirectory => Path.Combine(root, "runs", runId);

    public string LogPath => Path.Combine(RunDirectory, "log.txt");

    public string OutputDirectory(int attempt) => Path.Combine(RunDirectory, $"attempt-{attempt}", "output");

    public string PredictionsPath(int attempt) => Path.Combine(OutputDirectory(attempt), "predictions.csv");

    public string ResultPath(int attempt) => Path.Combine(OutputDirectory(attempt), "result.json");

    /// <summary>
    /// Returns the bytes under the attempt's output folder. The folder is a bind mount
    /// with no size of its own, so the silo measures it while the container runs.
    /// </summary>
    public long OutputBytes(int attempt)
    {
        var output = new DirectoryInfo(OutputDirectory(attempt));
        return output.Exists ? output.EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length) : 0;
    }

    public void DeleteOutput(int attempt)
    {
        var output = OutputDirectory(attempt);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Reads the peak memory the runner last wrote, which survives an out-of-memory kill.</summary>
    public long? ReadPeakMemory(int attempt)
    {
        var path = Path.Combine(OutputDirectory(attempt), "peak_memory");
        var file = new FileInfo(path);
        if (!file.Exists || file.Length > 32)
        {
            return null;
        }

        return long.TryParse(File.ReadAllText(path).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : null;
    }

    public string PicklePath(string sha256) => StoreLayout.PicklePath(root, sha256);

    public static string SubmissionPath(string root, string modelId, int round, string runId) =>
        Path.Combine(root, "submissions", modelId, $"round-{round}", $"{runId}.csv");

    /// <summary>
    /// Creates an empty output folder for the attempt that only the sandbox user
    /// can write, removing what an earlier try of the same attempt left.
    /// </summary>
    public string PrepareOutput(int attempt, int sandboxUid)
    {
        var output = OutputDirectory(attempt);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        if (chown(output, sandboxUid, sandboxUid) != 0)
        {
            // Not root: let any user write, since the sandbox uid cannot own the folder.
            File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        }

        return output;
    }

    public void AppendLog(string text)
    {
        Directory.CreateDirectory(RunDirectory);
        File.AppendAllText(LogPath, text);
    }

    public string? ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : null;

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int chown(string path, int owner, int group);
}
