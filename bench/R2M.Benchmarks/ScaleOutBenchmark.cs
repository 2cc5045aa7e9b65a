using R2M.MLNet.IO;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using R2M.Estimators.Rl;
using R2M.MLNet;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using R2M.Orleans;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// RL steps with rollouts in process and on 1, 2 and 4 worker processes (Orleans silos on loopback, one torch
/// thread each), the learner an Orleans client in this process with one torch thread. Reports rollout throughput,
/// weight-sync time and the per-step overhead of the cluster. Every worker stops by itself.
/// </summary>
internal static class ScaleOutBenchmark
{
    public static int Run(BenchArgs a)
    {
        int steps = a.Int("steps", 3), prompts = a.Int("prompts", 16), k = a.Int("k", 4), chunk = a.Int("chunk", 2), newTokens = a.Int("new-tokens", 32);
        int d = a.Int("d", 64), layers = a.Int("layers", 2);
        int[] counts = a.String("workers", "1,2,4").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        set_num_threads(1);
        var options = new PolicyOptimizationOptions
        {
            Steps = steps + 1, PromptsPerStep = prompts, SamplesPerPrompt = k, RolloutChunkPrompts = chunk, MaxNewTokens = newTokens,
            Temperature = 1.0, MiniBatches = 2, PolicyEpochs = 1, Seed = 3,
        };
        var rows = new List<Row> { RunSteps(0, options, d, layers, steps, null) };
        foreach (int n in counts) rows.Add(WithWorkers(n, a.Int("max-seconds", 240), d, layers, client => RunSteps(n, options, d, layers, steps, client)));

        var inProcess = rows[0];
        long weightBytes = rows.Skip(1).Select(r => r.WeightBytes).FirstOrDefault();
        Console.WriteLine($"scaleout benchmark: RLOO, tiny Llama d={d} x {layers} layers ({weightBytes / 1024.0:F0} KiB of weights), {prompts} prompts x {k} samples per step in chunks of {chunk} prompts, {newTokens} new tokens");
        Console.WriteLine($"machine: {Measure.Machine()}; one torch thread per process; mean of {steps} steps after 1 warm-up step; workers on 127.0.0.1");
        Console.WriteLine();
        Console.WriteLine("| rollouts        | rollouts/s | speed-up | rollout s/step | busiest worker s | weight sync s | publish s | dispatch overhead s | step s |");
        Console.WriteLine("|-----------------|-----------:|---------:|---------------:|-----------------:|--------------:|----------:|--------------------:|-------:|");
        foreach (var r in rows)
            Console.WriteLine($"| {(r.Workers == 0 ? "in process" : $"{r.Workers} worker(s)"),-15} | {r.Throughput,10:F1} | {r.Throughput / inProcess.Throughput,8:F2} | {r.RolloutSeconds,14:F3} | {r.BusySeconds,16:F3} | {r.SyncSeconds,13:F4} | {r.PublishSeconds,9:F4} | {r.OverheadSeconds,19:F4} | {r.StepSeconds,6:F3} |");
        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "scaleout", ["machine"] = Measure.Machine(), ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["d"] = d, ["layers"] = layers, ["weight_bytes"] = weightBytes, ["prompts"] = prompts, ["k"] = k, ["chunk_prompts"] = chunk,
            ["new_tokens"] = newTokens, ["steps"] = steps,
            ["in_process_rollouts_per_s"] = Math.Round(inProcess.Throughput, 2), ["in_process_step_s"] = Math.Round(inProcess.StepSeconds, 4),
            ["workers"] = rows.Skip(1).Select(r => new Dictionary<string, object>
            {
                ["workers"] = r.Workers, ["rollouts_per_s"] = Math.Round(r.Throughput, 2), ["rollout_s"] = Math.Round(r.RolloutSeconds, 4), ["busiest_worker_s"] = Math.Round(r.BusySeconds, 4),
                ["weight_sync_s"] = Math.Round(r.SyncSeconds, 5), ["publish_s"] = Math.Round(r.PublishSeconds, 5),
                ["overhead_s"] = Math.Round(r.OverheadSeconds, 5), ["step_s"] = Math.Round(r.StepSeconds, 4),
            }).ToArray(),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    private sealed record Row(int Workers, double Throughput, double RolloutSeconds, double BusySeconds, double SyncSeconds, double PublishSeconds, double OverheadSeconds, double StepSeconds, long WeightBytes);

    private static Row RunSteps(int workers, PolicyOptimizationOptions options, int d, int layers, int steps, IClusterClient? client)
    {
        manual_seed(options.Seed);
        var tokenizer = new ByteLevelTokenizer();
        using var policy = new CausalLM(ScaleOutWorker.Config(d, layers));
        using var reference = new CausalLM(ScaleOutWorker.Config(d, layers));
        using var reward = new SequenceScoreModel(CausalLMConfig.Llama(tokenizer.VocabSize, d, layers, 4, 2, 2 * d, 128));
        string[] prompts = [.. Enumerable.Range(0, 64).Select(i => $"prompt {i}:")];
        var backend = client is null ? null : new OrleansRolloutBackend(client, policy, options);
        using var trainer = new RlTrainer(policy, reference, reward, tokenizer, prompts, options,
            new PolicyFeedbackOptions { Mode = AlignerMode.Vanilla }, rollouts: backend);
        trainer.Train(1); // warm-up: activations, first weights, JIT
        var metrics = trainer.Train(steps);
        double Mean(string key) => metrics.Average(m => double.IsNaN(m[key]) ? 0 : m[key]);
        double rollout = Mean("time/generation_s");
        return new Row(workers, options.PromptsPerStep * options.SamplesPerPrompt / rollout, rollout, workers == 0 ? rollout : Mean("time/worker_busy_s"), Mean("time/weight_sync_s"),
            Mean("time/weight_publish_s"), Mean("time/dispatch_overhead_s"), Mean("time/step_s"), Safetensors.ToBytes(policy.state_dict()).LongLength);
    }

    /// <summary>Starts <paramref name="count"/> worker processes, connects a client, runs <paramref name="body"/>, stops them.</summary>
    private static T WithWorkers<T>(int count, int maxSeconds, int d, int layers, Func<IClusterClient, T> body)
    {
        int[] ports = FreePorts(2 * count);
        var workers = new List<Process>();
        try
        {
            for (int i = 0; i < count; i++)
                workers.Add(Start($"scaleout-worker --silo-port {ports[i]} --gateway-port {ports[count + i]} --primary-port {ports[0]} " +
                    $"--d {d} --layers {layers} --threads 1 --max-seconds {maxSeconds} --parent-pid {Environment.ProcessId}"));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Error);
            builder.Services.AddR2MLearner(client: c => c.UseLocalhostClustering(ports[count..], "r2m-scaleout", "r2m-scaleout"));
            using var host = builder.Build();
            host.StartAsync().WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
            var client = host.Services.GetRequiredService<IClusterClient>();
            var deadline = Stopwatch.StartNew();
            while (client.GetGrain<IManagementGrain>(0).GetHosts(true).GetAwaiter().GetResult().Count(h => h.Value == SiloStatus.Active) < count)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"{count} worker silos did not join within 2 minutes.");
                Thread.Sleep(250);
            }
            var result = body(client);
            host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return result;
        }
        finally
        {
            foreach (var w in workers)
            {
                if (!w.HasExited) w.Kill();
                w.WaitForExit(10_000);
                w.Dispose();
            }
        }
    }

    private static Process Start(string arguments)
    {
        string self = Environment.ProcessPath!;
        var info = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new ProcessStartInfo(self, $"\"{typeof(ScaleOutBenchmark).Assembly.Location}\" {arguments}")
            : new ProcessStartInfo(self, arguments);
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["MKL_NUM_THREADS"] = "1";
        info.RedirectStandardOutput = false;
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start a worker process.");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        int[] ports = [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}
