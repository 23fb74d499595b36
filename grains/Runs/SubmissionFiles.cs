using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ModelUploads.Runs;

/// <summary>Writes validated predictions as the `id,prediction` CSV file that a round keeps.</summary>
internal static class SubmissionFiles
{
    /// <summary>
    /// Writes the file under a temporary name and renames it into place, so a
    /// reader never sees half a submission. Values are in the order of the ids.
    /// </summary>
    public static async Task<SubmissionInfo> WriteAsync(
        string root,
        string modelId,
        int round,
        string runId,
        IReadOnlyList<string> ids,
        IReadOnlyList<double> values,
        DateTimeOffset storedAt,
        CancellationToken cancellationToken)
    {
        var path = RunWorkspace.SubmissionPath(root, modelId, round, runId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        var text = new StringBuilder(ids.Count * 40);
        text.Append("id,prediction\n");
        for (var i = 0; i < ids.Count; i++)
        {
            text.Append(ids[i]).Append(',').Append(values[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var temporary = path + ".partial";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, path, overwrite: true);

        return new SubmissionInfo(round, runId, ids.Count, Convert.ToHexStringLower(SHA256.HashData(bytes)), path, storedAt);
    }
}
