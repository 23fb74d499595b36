using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// The real silo executable, with its co-hosted gateway on a free loopback
/// port, started as a child process. <see cref="Kill"/> ends it with SIGKILL,
/// as a crash would; disposing kills it too.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, Uri address, SiloPorts ports)
    {
        _process = process;
        Address = address;
        Ports = ports;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The Orleans service id of every silo process, which a cluster client must give too.</summary>
    public const string ServiceId = "e2e";

    public Uri Address { get; }

    public SiloPorts Ports { get; }

    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a silo. Give the same <paramref name="ports"/> to restart one: a silo that
    /// comes back on its old silo port supersedes its dead entry in the membership table
    /// at once, where a new address would wait for the old one to be voted dead.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        string connectionString, string storageRoot, IReadOnlyDictionary<string, string>? settings = null, SiloPorts? ports = null)
    {
        var siloDll = Path.Combine(
            TestEnvironment.RepositoryRoot, "silo", "bin", TestEnvironment.BuildConfiguration, "net10.0", "ModelUploads.Silo.dll");
        ports ??= SiloPorts.Free();
        var port = ports.Http;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { siloDll },
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Storage__Root"] = storageRoot;
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Cluster__SiloPort"] = ports.Silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Cluster__GatewayPort"] = ports.Gateway.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Cluster__ServiceId"] = ServiceId;
        start.Environment["Sandbox__PollInterval"] = "00:00:00.250";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{port}"), ports);
        await silo.WaitForHealthAsync();
        return silo;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task WaitForHealthAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < stopAt)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the silo did not answer /health within 90 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
