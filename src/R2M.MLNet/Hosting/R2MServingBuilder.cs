using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace R2M.MLNet.Hosting;

/// <summary>Returned by <see cref="R2MServiceCollectionExtensions.AddR2M"/>: says which model file (or files) to serve.</summary>
public sealed class R2MServingBuilder
{
    internal R2MServingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Serves the model zip at <paramref name="path"/> through a singleton <see cref="R2MEnginePool"/>.
    /// Calling it again replaces the path of the default model.
    /// </summary>
    /// <param name="path">The R2M model zip (relative paths are resolved when the pool is created).</param>
    /// <param name="watchForChanges">Reload the model when the file changes.</param>
    public R2MServingBuilder FromFile(string path, bool watchForChanges = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Services.Configure<R2MServingOptions>(Options.DefaultName, o =>
        {
            o.ModelPath = path;
            o.WatchForChanges = watchForChanges;
        });
        Services.TryAddSingleton(provider => Create(provider, Options.DefaultName));
        return this;
    }

    /// <summary>
    /// Serves one of several models: a keyed singleton <see cref="R2MEnginePool"/> under <paramref name="modelName"/>,
    /// resolved with <c>GetRequiredKeyedService&lt;R2MEnginePool&gt;(modelName)</c> or <c>[FromKeyedServices(modelName)]</c>.
    /// Options given to AddR2M apply to every model; <paramref name="configure"/> adjusts this one.
    /// </summary>
    /// <param name="modelName">The key of this model; not empty.</param>
    /// <param name="path">The R2M model zip.</param>
    /// <param name="watchForChanges">Reload the model when the file changes.</param>
    /// <param name="configure">Settings for this model only, applied after those given to AddR2M.</param>
    public R2MServingBuilder FromFile(string modelName, string path, bool watchForChanges = false, Action<R2MServingOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Services.Configure<R2MServingOptions>(modelName, o =>
        {
            o.ModelPath = path;
            o.WatchForChanges = watchForChanges;
            configure?.Invoke(o);
        });
        Services.TryAddKeyedSingleton(modelName, (provider, _) => Create(provider, modelName));
        return this;
    }

    private static R2MEnginePool Create(IServiceProvider provider, string name) =>
        new(provider.GetRequiredService<IOptionsMonitor<R2MServingOptions>>().Get(name),
            provider.GetService<ILogger<R2MEnginePool>>());
}
