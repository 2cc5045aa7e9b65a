using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using R2M.Orleans;

namespace R2M.Benchmarks;

/// <summary>
/// One rollout worker process of the scaleout benchmark: an Orleans silo on loopback with the benchmark's tiny
/// policy and one torch thread. It stops by itself after --max-seconds or when the benchmark process is gone.
/// </summary>
internal static class ScaleOutWorker
{
    public static CausalLMConfig Config(int d, int layers) =>
        CausalLMConfig.Llama(new ByteLevelTokenizer().VocabSize, d, layers, 4, 2, 2 * d, 128, tieWordEmbeddings: true);

    public static int Run(BenchArgs a)
    {
        int siloPort = a.Int("silo-port", 0), gatewayPort = a.Int("gateway-port", 0), primaryPort = a.Int("primary-port", 0);
        int d = a.Int("d", 64), layers = a.Int("layers", 2), threads = a.Int("threads", 1);
        int parent = a.Int("parent-pid", 0);
        using var lifetime = new CancellationTokenSource(TimeSpan.FromSeconds(a.Int("max-seconds", 300)));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddR2MWorker(o =>
        {
            o.CreatePolicy = _ => new WorkerPolicy(new CausalLM(Config(d, layers)), new ByteLevelTokenizer());
            o.TorchThreads = threads;
        }, silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort), "r2m-scaleout", "r2m-scaleout");
            silo.Configure<EndpointOptions>(e =>
            {
                e.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                e.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
        });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        using var host = builder.Build();
        _ = Task.Run(async () =>
        {
            while (!lifetime.IsCancellationRequested)
            {
                if (parent != 0 && !Alive(parent)) lifetime.Cancel();
                await Task.Delay(500);
            }
        });
        try
        {
            host.RunAsync(lifetime.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    private static bool Alive(int pid)
    {
        try
        {
            return !Process.GetProcessById(pid).HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
