using System.Diagnostics;
using System.Text.Json;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// Hidden subcommand "finaliser-race", run by the tests in a child process: while a second thread forces
/// collections (so finalisers run at any moment), the main thread runs for
/// <c>--seconds</c> (a collection every <c>--period-us</c>) either the library's own per-token and per-loss code (sampling with temperature, top-k and
/// top-p over a KV cache, the Bradley–Terry, GREBT and clipped policy losses, AdamW steps), or, with <c>--control 1</c>, a
/// <c>masked_fill</c> whose fill value is a temporary Scalar: the positive control, which shows the hammer can
/// free a temporary while libtorch reads it (an exception or a wrong sum ends it, usually within a second).
/// Prints one JSON line: mode, calls, seconds, and the first failure (null when none).
/// </summary>
internal static class FinaliserRace
{
    public static int Run(BenchArgs args)
    {
        double seconds = args.Int("seconds", 10);
        bool control = args.Int("control", 0) != 0;
        set_num_threads(1);
        using var stop = new CancellationTokenSource();
        // A collection every --period-us microseconds (default 200): often enough to land inside libtorch calls,
        // not so often that suspending the main thread for each one starves it.
        double period = args.Int("period-us", 200) / 1e6;
        var hammer = new Thread(() =>
        {
            var tick = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                GC.KeepAlive(new byte[1 << 12]);
                GC.Collect(0, GCCollectionMode.Forced, blocking: false);
                tick.Restart();
                while (tick.Elapsed.TotalSeconds < period) Thread.Yield();
            }
        }) { IsBackground = true, Name = "gc hammer" };
        hammer.Start();

        long calls = 0;
        string? failure = null;
        var clock = Stopwatch.StartNew();
        try
        {
            Action step = control ? Control() : Library();
            while (clock.Elapsed.TotalSeconds < seconds && failure is null)
            {
                step();
                calls++;
            }
        }
        catch (WrongResult e)
        {
            failure = e.Message;
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name}: {string.Concat(e.Message.Split('\n')[0].Take(300))}";
            if (Environment.GetEnvironmentVariable("R2M_RACE_TRACE") == "1") Console.Error.WriteLine(e.StackTrace);
        }
        stop.Cancel();
        Console.WriteLine(JsonSerializer.Serialize(new { mode = control ? "control" : "library", calls, seconds = Math.Round(clock.Elapsed.TotalSeconds, 2), failure }));
        return failure is null ? 0 : 1;
    }

    /// <summary>A result that differs from the one computed without the hammer (a freed value was read).</summary>
    private sealed class WrongResult(string message) : Exception(message);

    private static Action Control()
    {
        var x = zeros(64, 64);
        using var half = 0.5.ToScalar();
        var mask = rand(64, 64).gt(half);
        float expected = mask.sum().item<long>() * 0.25f;
        return () =>
        {
            using var scope = NewDisposeScope();
#pragma warning disable R2M0001 // the positive control: a temporary Scalar, on purpose
            float sum = x.masked_fill(mask, 0.25).sum().item<float>();
#pragma warning restore R2M0001
            if (sum != expected) throw new WrongResult($"masked_fill summed to {sum}, expected {expected}");
        };
    }

    private static Action Library()
    {
        manual_seed(1);
        var model = new CausalLM(CausalLMConfig.Llama(64, 32, 2, 4, 2, 64, 64));
        model.eval();
        var prompts = randint(0, 64, [4, 8], dtype: ScalarType.Int64);
        var mask = ones_like(prompts);
        var options = new GenerationOptions { MaxNewTokens = 8, EosId = -1, PadId = 0, Temperature = 0.7, TopK = 20, TopP = 0.9, Seed = 1 };
        var rewards = randn(8);
        var logProbs = randn(8, 8);
        var start = randn(16, 16);
        var expected = Once();
        return () =>
        {
            var got = Once();
            if (!got.SequenceEqual(expected)) throw new WrongResult($"the library's results changed under the hammer: [{string.Join(", ", got)}] against [{string.Join(", ", expected)}]");
        };

        float[] Once()
        {
            using var scope = NewDisposeScope();
            using var result = TextGenerator.Generate(model, prompts, mask, options);
            float tokens = result.ResponseTokens.sum().item<long>();
            float bt = BradleyTerry.Loss(rewards[..4], rewards[4..]).item<float>();
            float grebt = GroupRewardLoss.Compute(rewards, groupSize: 4, alpha: 0.3, epsilon: 1e-4).Loss.item<float>();
            float policy = PolicyLoss.ClippedSurrogate(logProbs, logProbs.flip(1), Advantages.Rloo(rewards, 4).unsqueeze(1), ones_like(logProbs), 0.2).Loss.item<float>();
            float adamw = AdamWSteps();
            return [tokens, bt, grebt, policy, adamw];
        }

        // Three AdamW steps (with weight decay) from the same start: the optimizer training uses.
        float AdamWSteps()
        {
            var weights = new TorchSharp.Modules.Parameter(start.clone());
            using var optimizer = new R2M.MLNet.Training.HeldScalarOptimizers.AdamW([weights], lr: 0.01, weightDecay: 0.1);
            for (int i = 0; i < 3; i++)
            {
                optimizer.zero_grad();
                weights.mul(weights).sum().backward();
                optimizer.step();
            }
            return weights.detach().sum().item<float>();
        }
    }
}
