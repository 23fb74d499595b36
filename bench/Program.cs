using ModelUploads.Bench;
using ModelUploads.Bench.Reporting;

// The benchmark driver. bench/run.sh starts a silo on a new database and runs this with:
//   --gateway URL --silo-pid PID --work DIR --cache DIR --report FILE [--scale full|short]
//   [--only upload,round,overhead,status,heavy,handoff]
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

string[] known = ["gateway", "silo-pid", "work", "cache", "report", "scale", "only"];
foreach (var name in options.Keys.Where(n => !known.Contains(n)))
{
    Console.Error.WriteLine($"unknown option --{name}; the options are --{string.Join(", --", known)}");
    return 2;
}

foreach (var name in known[..5].Where(n => !options.ContainsKey(n)))
{
    Console.Error.WriteLine($"--{name} is required; see bench/run.sh for how it is called");
    return 2;
}

string Required(string name) => options[name];

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

var run = await BenchmarkRun.StartAsync(scale, repositoryRoot.FullName);
using var context = new BenchmarkContext(target, scale, Console.Error);
var only = options.TryGetValue("only", out var names) ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
var sections = new List<ModelUploads.Bench.Reporting.ReportSection>();
try
{
    await BenchmarkSuite.RunAsync(context, only, sections);
}
catch (Exception exception)
{
    // The sections that finished are still worth keeping, and the report states where the run stopped.
    await File.WriteAllTextAsync(Required("report"), BenchmarkReport.Render(BenchmarkSuite.InReportOrder(sections), run, exception));
    Console.Error.WriteLine($"the benchmarks stopped with an error; {Required("report")} has the {sections.Count} that finished:\n{exception}");
    return 1;
}

await File.WriteAllTextAsync(Required("report"), BenchmarkReport.Render(BenchmarkSuite.InReportOrder(sections), run, failure: null));
Console.Error.WriteLine($"wrote {Required("report")}");
return 0;
