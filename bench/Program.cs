using ModelUploads.Bench;
using ModelUploads.Bench.Reporting;

// The benchmark driver. bench/run.sh starts a silo on a new database and runs this with:
//   --gateway URL --silo-pid PID --work DIR --cache DIR --report FILE [--scale full|short]
//   [--only round,overhead,status,heavy,upload,handoff]
// and the administrator's key in the environment variable MODELUPLOADS_BENCH_KEY.

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"expected an option with a value, such as --gateway http://127.0.0.1:5090, at '{args[i]}'");
        return 2;
    }

    options[args[i][2..]] = args[i + 1];
}

string Required(string name) =>
    options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required; see bench/run.sh for how it is called");

var key = Environment.GetEnvironmentVariable("MODELUPLOADS_BENCH_KEY");
if (string.IsNullOrEmpty(key))
{
    Console.Error.WriteLine("MODELUPLOADS_BENCH_KEY is not set; set it to an administrator's API key (bench/run.sh makes one with create-admin)");
    return 2;
}

var scale = options.GetValueOrDefault("scale", "full") switch
{
    "full" => BenchmarkScale.FullRun,
    "short" => BenchmarkScale.ShortRun,
    var other => throw new ArgumentException($"--scale must be full or short, not '{other}'"),
};
var repositoryRoot = new DirectoryInfo(AppContext.BaseDirectory);
while (repositoryRoot is not null && !File.Exists(Path.Combine(repositoryRoot.FullName, "ModelUploads.sln")))
{
    repositoryRoot = repositoryRoot.Parent;
}

if (repositoryRoot is null)
{
    Console.Error.WriteLine($"found no ModelUploads.sln above {AppContext.BaseDirectory}; run the benchmark from its build output in the checkout");
    return 2;
}

var target = new BenchmarkTarget(
    new Uri(Required("gateway")),
    key,
    int.Parse(Required("silo-pid"), System.Globalization.CultureInfo.InvariantCulture),
    Required("work"),
    Required("cache"),
    repositoryRoot.FullName);

var startedAt = DateTimeOffset.UtcNow;
using var context = new BenchmarkContext(target, scale, Console.Error);
var only = options.TryGetValue("only", out var names) ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
var sections = await BenchmarkSuite.RunAsync(context, only);
var report = await BenchmarkReport.RenderAsync(sections, scale, repositoryRoot.FullName, startedAt);
await File.WriteAllTextAsync(Required("report"), report);
Console.Error.WriteLine($"wrote {Required("report")}");
return 0;
