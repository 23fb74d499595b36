using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelUploads.Docker;
using ModelUploads.Runs;
using ModelUploads.Runtimes;
using ModelUploads.Storage;

namespace ModelUploads.Hosting;

/// <summary>Registers what the grains need in a silo.</summary>
public static class GrainServiceCollectionExtensions
{
    public static IServiceCollection AddModelUploadsGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SandboxOptions>(configuration.GetSection(SandboxOptions.SectionName));
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.SectionName));
        services.AddOptions<RoundOptions>().Bind(configuration.GetSection(RoundOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoundOptions>, RoundOptionsValidator>();
        services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        services.AddSingleton<SandboxEngine>();
        services.AddSingleton<ContainerLogFollower>();
        services.AddSingleton<SandboxSlots>();
        services.AddSingleton<RuntimeCatalog>();
        services.AddSingleton<SandboxReaper>();
        services.AddHostedService(provider => provider.GetRequiredService<SandboxReaper>());
        services.AddSingleton<StoreSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<StoreSweeper>());
        return services;
    }
}
