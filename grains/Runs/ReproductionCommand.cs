using System.Globalization;
using System.Text;
using ModelUploads.Hosting;

namespace ModelUploads.Runs;

/// <summary>
/// The shell commands that rerun a run on a user's own machine: the same
/// runtime image, the same inputs and the same limits as the platform's sandbox.
/// </summary>
internal static class ReproductionCommand
{
    public static string For(RunRequest request, SandboxOptions sandbox)
    {
        var gateway = sandbox.PublicGatewayUrl.TrimEnd('/');
        var image = sandbox.ImageFor(request.Pickle.PythonVersion);
        var cpus = sandbox.Cpus.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine("To reproduce this run on your own machine with Docker:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -fo runtime.tar {gateway}/api/runtimes/{request.Pickle.PythonVersion}/image && docker load -i runtime.tar");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -fo inputs.tar {gateway}/api/runs/{request.RunId}/inputs.tar && tar xf inputs.tar");
        text.AppendLine("  mkdir -p output && chmod 777 output");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  docker run --rm --network none --cpus {cpus} --memory {sandbox.MemoryBytes} --memory-swap {sandbox.MemoryBytes} "
            + $"--pids-limit {sandbox.PidsLimit} --read-only --tmpfs /tmp:rw,nosuid,nodev,noexec,size={sandbox.TmpSizeBytes} "
            + $"--cap-drop ALL --security-opt no-new-privileges --user {sandbox.SandboxUid}:{sandbox.SandboxUid} "
            + $"-v \"$PWD/input:/input:ro\" -v \"$PWD/output:/output\" {image}");
        return text.ToString();
    }
}
