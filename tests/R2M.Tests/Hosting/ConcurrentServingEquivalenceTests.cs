using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using R2M.MLNet.Hosting;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hosting;

/// <summary>Serving from many threads gives exactly the outputs of the same calls made one after another.</summary>
public class ConcurrentServingEquivalenceTests
{
    private const int Threads = 8;
    private const int CallsPerThread = 6;

    private static string Prompt(int thread, int call) => $"t{thread} c{call}: {new string((char)('a' + (thread * 7 + call) % 26), 1 + call % 4)}";

    private static (string Generated, float Score) Call(R2MEnginePool pool, int thread, int call) =>
        (pool.Generate(Prompt(thread, call)), pool.Score(Prompt(thread, call), $"reply {call} of {thread}"));

    [Fact]
    public void Eight_threads_of_greedy_generate_and_score_match_the_single_threaded_outputs_exactly()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 23, maxNewTokens: 4);
        using var provider = new ServiceCollection().AddR2M(o => o.PoolSize = 4).FromFile(path).Services.BuildServiceProvider();
        var pool = provider.GetRequiredService<R2MEnginePool>();

        var sequential = new Dictionary<(int, int), (string, float)>();
        for (int t = 0; t < Threads; t++)
            for (int c = 0; c < CallsPerThread; c++)
                sequential[(t, c)] = Call(pool, t, c);

        var concurrent = new ConcurrentDictionary<(int, int), (string, float)>();
        var errors = new ConcurrentQueue<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int c = 0; c < CallsPerThread; c++)
            {
                try { concurrent[(t, c)] = Call(pool, t, c); }
                catch (Exception e) { errors.Enqueue(e); }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        // A generous hang guard, not a speed limit.
        threads.ForEach(t => t.Join(TimeSpan.FromMinutes(10)).Should().BeTrue("a serving thread hung"));

        errors.Should().BeEmpty();
        concurrent.Should().HaveCount(Threads * CallsPerThread);
        foreach (var (key, expected) in sequential)
        {
            concurrent[key].Item1.Should().Be(expected.Item1, $"generation for {key}");
            BitConverter.SingleToInt32Bits(concurrent[key].Item2).Should().Be(BitConverter.SingleToInt32Bits(expected.Item2), $"score for {key}");
        }
        sequential.Values.Select(v => v.Item2).Distinct().Should().HaveCountGreaterThan(1, "distinct prompts give distinct scores, so a mix-up would show");
        pool.Version.Should().Be(1);
        pool.RentedCount.Should().Be(0);
    }
}
