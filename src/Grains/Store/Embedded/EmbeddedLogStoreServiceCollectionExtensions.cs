using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Grains.Store.Embedded;

/// <summary>Registers the embedded log store.</summary>
public static class EmbeddedLogStoreServiceCollectionExtensions
{
    /// <summary>Adds <see cref="EmbeddedLogStore"/> as a singleton, its options (validated on start) and <see cref="TimeProvider.System"/> unless one is registered.</summary>
    public static IServiceCollection AddEmbeddedLogStore(this IServiceCollection services, Action<EmbeddedLogStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EmbeddedLogStoreOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedLogStoreOptions>, EmbeddedLogStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmbeddedLogStore>();
        return services;
    }
}
