using Microsoft.Extensions.DependencyInjection;

namespace R2M.MLNet.Hosting;

/// <summary>Registers R2M model serving in a service collection.</summary>
public static class R2MServiceCollectionExtensions
{
    /// <summary>
    /// Adds R2M serving; follow with <see cref="R2MServingBuilder.FromFile(string, bool)"/> to name the model file.
    /// Works in a plain <see cref="IServiceCollection"/> and in a generic host; with no logging registered the pool
    /// logs nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Settings for every served model (pool size, batch, device, debounce).</param>
    public static R2MServingBuilder AddR2M(this IServiceCollection services, Action<R2MServingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        if (configure is not null) services.ConfigureAll(configure);
        return new R2MServingBuilder(services);
    }
}
