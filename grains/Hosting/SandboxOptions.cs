namespace ModelUploads.Hosting;

/// <summary>Limits and wiring of the sandbox containers; section "Sandbox".</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>Docker engine endpoint, for example unix:///var/run/docker.sock.</summary>
    public string EngineEndpoint { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>Image repository; the image of Python X.Y is ImageRepository:pyX.Y.</summary>
    public string ImageRepository { get; set; } = "modeluploads-runtime";

    /// <summary>
    /// Python versions offered, the first being the default; empty means
    /// <see cref="DefaultPythonVersions"/>. (A list default would be appended to by
    /// the configuration binder, not replaced.)
    /// </summary>
    public List<string> PythonVersions { get; set; } = [];

    public static IReadOnlyList<string> DefaultPythonVersions { get; } = ["3.11", "3.13"];

    public IReadOnlyList<string> OfferedPythonVersions => PythonVersions.Count > 0 ? PythonVersions : DefaultPythonVersions;

    public double Cpus { get; set; } = 1.0;

    public long MemoryBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Wall-clock limit of one container, counted from the engine's start time.</summary>
    public TimeSpan WallClockLimit { get; set; } = TimeSpan.FromMinutes(10);

    public long PidsLimit { get; set; } = 256;

    public long TmpSizeBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Largest output a container may write, predictions included. The silo measures the
    /// output folder at each poll and kills the container past it, so a model can exceed it
    /// by what it writes in one poll interval before it is stopped.
    /// </summary>
    public long OutputLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Largest stored log of a container; the head and the tail are kept. The engine keeps
    /// a tail of the same size for a container this silo did not follow from its start.
    /// </summary>
    public long LogLimitBytes { get; set; } = 1024L * 1024;

    /// <summary>Sandbox slots of this silo; 0 means as many as CPUs and memory allow.</summary>
    public int Slots { get; set; }

    /// <summary>How often a run grain looks at its slot or container.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Period of the reminder a run keeps while in progress, which reactivates it after
    /// its silo dies; the longest a survivor waits to pick the run up.
    /// </summary>
    public TimeSpan KeepAlivePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a run waits for an unreachable engine before the outage costs an attempt.</summary>
    public TimeSpan EngineOutageGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of a run that ends in Error, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second attempt; it doubles for each later one.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The uid and gid the sandbox processes run as; the runtime image defines it.</summary>
    public int SandboxUid { get; set; } = 10001;

    /// <summary>The gateway's address as users reach it, for the reproduction commands in logs.</summary>
    public string PublicGatewayUrl { get; set; } = "http://127.0.0.1:5080";

    public string ImageFor(string pythonVersion) => $"{ImageRepository}:py{pythonVersion}";

    public int EffectiveSlots()
    {
        if (Slots > 0)
        {
            return Slots;
        }

        var byCpu = (int)Math.Floor(Environment.ProcessorCount / Math.Max(Cpus, 0.01));
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var byMemory = (int)(memory / Math.Max(MemoryBytes, 1));
        return Math.Max(1, Math.Min(byCpu, byMemory));
    }
}
