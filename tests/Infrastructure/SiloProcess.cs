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

    private SiloProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

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

    public static async Task<SiloProcess> StartAsync(string connectionString, string storageRoot, IReadOnlyDictionary<string, string>? settings = null)
    {
        var siloDll = Path.Combine(
            TestEnvironment.RepositoryRoot, "silo", "bin", TestEnvironment.BuildConfiguration, "net10.0", "ModelUploads.Silo.dll");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { siloDll },
        };
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Storage__Root"] = storageRoot;
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Cluster__SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Cluster__GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Cluster__ServiceId"] = "e2e";
        start.Environment["Sandbox__PollInterval"] = "00:00:00.250";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{port}"));
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
