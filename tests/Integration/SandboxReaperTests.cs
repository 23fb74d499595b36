using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ModelUploads.Docker;
using ModelUploads.Hosting;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;
using Orleans.Configuration;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// The reaper on the real engine: it removes its own service's orphaned containers and
/// those without a service label, and leaves another service's containers alone.
/// </summary>
public sealed class SandboxReaperTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task ReaperLeavesOtherServicesContainers()
    {
        // Given three exited containers of runs that do not exist: one of this service, one of another, one unlabelled
        var service = $"reaper-{Guid.NewGuid():N}";
        var own = await CreateContainerAsync(service);
        var other = await CreateContainerAsync($"other-{Guid.NewGuid():N}");
        var unlabelled = await CreateContainerAsync(service: null);
        using var engine = new SandboxEngine(
            Options.Create(new SandboxOptions()), Options.Create(new ClusterOptions { ServiceId = service }), NullLogger<SandboxEngine>.Instance);

        // When the reaper looks, past its grace period
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + SandboxReaper.GracePeriod + TimeSpan.FromMinutes(1));
        var reaper = new SandboxReaper(engine, fixture.Grains, clock, NullLogger<SandboxReaper>.Instance);
        try
        {
            await reaper.ReapOnceAsync(CancellationToken.None);

            // Then only the other service's container is left
            Assert.Null(await engine.InspectAsync(own, CancellationToken.None));
            Assert.Null(await engine.InspectAsync(unlabelled, CancellationToken.None));
            Assert.NotNull(await engine.InspectAsync(other, CancellationToken.None));
        }
        finally
        {
            foreach (var name in new[] { own, other, unlabelled })
            {
                await engine.RemoveAsync(name, CancellationToken.None);
            }
        }
    }

    private static async Task<string> CreateContainerAsync(string? service)
    {
        var name = $"modeluploads-reaper-test-{Guid.NewGuid():N}";
        List<string> arguments =
        [
            "create", "--network", "none", "--name", name,
            "--label", $"{SandboxLabels.System}={SandboxLabels.SystemValue}",
            "--label", $"{SandboxLabels.RunId}=run-{Guid.NewGuid():N}",
        ];
        if (service is not null)
        {
            arguments.AddRange(["--label", $"{SandboxLabels.Service}={service}"]);
        }

        arguments.AddRange([$"modeluploads-runtime:py{TestEnvironment.DefaultPython}", "true"]);
        await ProcessRunner.RunAsync("docker", arguments, TimeSpan.FromMinutes(1));
        return name;
    }
}
