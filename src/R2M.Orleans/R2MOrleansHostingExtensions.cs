using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace R2M.Orleans;

/// <summary>
/// Hosting on Microsoft.Extensions.Hosting: <c>AddR2MWorker</c> makes a process a rollout worker silo,
/// <c>AddR2MLearner</c> makes it the learner (an Orleans client). Clustering is the caller's choice; without one,
/// localhost clustering (one machine, tests).
/// </summary>
public static class R2MOrleansHostingExtensions
{
    /// <summary>
    /// Runs an Orleans silo in this host with a rollout worker. <paramref name="silo"/> configures clustering and
    /// endpoints (null: <c>UseLocalhostClustering()</c>).
    /// </summary>
    public static IServiceCollection AddR2MWorker(this IServiceCollection services, Action<R2MWorkerOptions> configure, Action<ISiloBuilder>? silo = null) =>
        services.AddOrleans(builder =>
        {
            if (silo is null) builder.UseLocalhostClustering();
            else silo(builder);
            builder.AddR2MWorker(configure);
        });

    /// <summary>Adds the rollout worker grain, its placement and its options to a silo (e.g. in a TestCluster's configurator).</summary>
    public static ISiloBuilder AddR2MWorker(this ISiloBuilder builder, Action<R2MWorkerOptions> configure)
    {
        builder.Services.Configure(configure);
        builder.Services.AddPlacementDirector<SiloKeyPlacement, SiloKeyPlacementDirector>();
        builder.Services.AddHostedService<TorchThreadLimit>();
        return builder;
    }

    /// <summary>
    /// Connects this host to the cluster as the learner and registers <see cref="R2MLearner"/>, which makes the
    /// trainer's rollout backend. <paramref name="client"/> configures clustering (null: <c>UseLocalhostClustering()</c>).
    /// </summary>
    public static IServiceCollection AddR2MLearner(this IServiceCollection services, OrleansRolloutOptions? options = null, Action<IClientBuilder>? client = null)
    {
        services.AddOrleansClient(builder =>
        {
            if (client is null) builder.UseLocalhostClustering();
            else client(builder);
        });
        services.AddSingleton(options ?? new OrleansRolloutOptions());
        services.AddSingleton<R2MLearner>();
        return services;
    }

    /// <summary>Sets the worker process's torch threads at start (<see cref="R2MWorkerOptions.TorchThreads"/>).</summary>
    private sealed class TorchThreadLimit(IOptions<R2MWorkerOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.TorchThreads is int n) TorchSharp.torch.set_num_threads(Math.Max(1, n));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
