using R2M.MLNet.IO;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using R2M.MLNet;
using R2M.MLNet.Hosting;
using R2M.MLNet.Persistence;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hosting;

public class ServingReloadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5); // a hang guard: waits end as soon as the event comes

    private static R2MEnginePool WatchingPool(string path, CapturedLogs logs)
    {
        var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        return new R2MEnginePool(
            new R2MServingOptions { ModelPath = path, WatchForChanges = true, PoolSize = 4, ReloadDebounce = TimeSpan.FromMilliseconds(200) },
            factory.CreateLogger<R2MEnginePool>());
    }

    [Fact]
    public async Task Swap_while_serving_keeps_every_request_working_and_disposes_the_old_model_once_after_its_renters()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip"), staged = dir.File("staged.zip"), copy = dir.File("second-copy.zip");
        TinyModelZip.Save(path, seed: 31);
        TinyModelZip.Save(staged, seed: 32);
        File.Copy(staged, copy);
        var logs = new CapturedLogs();
        using var pool = WatchingPool(path, logs);

        // Renters in flight per version, counted by the test; checked when a version is disposed.
        var active = new ConcurrentDictionary<long, int>();
        var disposals = new ConcurrentDictionary<long, int>();
        var activeAtDisposal = new ConcurrentQueue<int>();
        pool.ModelDisposed += (_, e) =>
        {
            disposals.AddOrUpdate(e.Version, 1, (_, n) => n + 1);
            activeAtDisposal.Enqueue(active.GetValueOrDefault(e.Version));
        };
        var reloaded = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.Reloaded += (_, e) => reloaded.TrySetResult(e.Version);

        var held = pool.Rent(); // an engine of version 1 held across the swap
        held.ModelVersion.Should().Be(1);
        int errors = 0, served = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(t => Task.Factory.StartNew(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var engine = pool.Rent();
                    long version = engine.ModelVersion;
                    active.AddOrUpdate(version, 1, (_, n) => n + 1);
                    try
                    {
                        _ = i % 2 == 0 ? engine.Generate($"w{t}") : engine.Score($"w{t}", "r").ToString();
                    }
                    finally
                    {
                        active.AddOrUpdate(version, 0, (_, n) => n - 1);
                    }
                    Interlocked.Increment(ref served);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        SpinWait.SpinUntil(() => Volatile.Read(ref served) >= 40, Patience).Should().BeTrue("the workers serve version 1 first");
        File.Move(staged, path, overwrite: true); // the writer's pattern: complete file under another name, then a rename
        (await reloaded.Task.WaitAsync(Patience)).Should().Be(2, "the watcher sees the rename and reloads");
        int servedAtSwap = Volatile.Read(ref served);
        SpinWait.SpinUntil(() => Volatile.Read(ref served) >= servedAtSwap + 40, Patience).Should().BeTrue("the workers go on serving version 2");

        disposals.Should().NotContainKey(1, "an engine of version 1 is still rented");
        held.Generate("still here").Should().NotBeNull("the held engine keeps using version 1");
        held.Dispose();
        disposals.Should().Contain(1, 1, "returning the last engine of version 1 disposes it, once");

        stop.Cancel();
        await Task.WhenAll(workers);
        errors.Should().Be(0);
        activeAtDisposal.Should().Equal(0);
        pool.Version.Should().Be(2);
        using var second = R2MModelArchive.Load(copy);
        pool.Generate("hello").Should().Be(second.Generate(["hello"])[0]);
        pool.Score("hello", "world").Should().Be(second.Score(["hello"], ["world"])[0]);
        logs.Entries.Should().Contain(e => e.EventId.Id == 2 && e.Message.Contains("version 2 replaces version 1"));
        logs.Entries.Should().Contain(e => e.EventId.Id == 4 && e.Message.EndsWith("version 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_reload_logs_an_error_keeps_the_old_model_and_a_later_good_file_is_picked_up()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip"), good = dir.File("good.zip");
        TinyModelZip.Save(path, seed: 41);
        TinyModelZip.Save(good, seed: 42);
        using var first = R2MModelArchive.Load(path);
        using var next = R2MModelArchive.Load(good);
        var logs = new CapturedLogs();
        using var pool = WatchingPool(path, logs);
        var failed = new TaskCompletionSource<R2MReloadFailedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reloaded = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        pool.ReloadFailed += (_, e) => failed.TrySetResult(e);
        pool.Reloaded += (_, e) => reloaded.TrySetResult(e.Version);
        pool.Generate("hello").Should().Be(first.Generate(["hello"])[0]);

        var bytes = File.ReadAllBytes(path);
        string corrupt = dir.File("corrupt.zip");
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]); // truncated
        File.Move(corrupt, path, overwrite: true);

        var failure = await failed.Task.WaitAsync(Patience); // the watcher tries the truncated file
        failure.ServingVersion.Should().Be(1);
        failure.Error.Should().BeOfType<R2MModelFormatException>();
        pool.Version.Should().Be(1);
        pool.Generate("hello").Should().Be(first.Generate(["hello"])[0]);
        pool.Score("hello", "world").Should().Be(first.Score(["hello"], ["world"])[0]);
        var error = logs.Entries.Should().ContainSingle(e => e.Level == LogLevel.Error).Subject;
        error.EventId.Id.Should().Be(3);
        error.Message.Should().Be($"Reloading R2M model {path} failed; still serving version 1");
        error.Error.Should().BeOfType<R2MModelFormatException>().Which.Message.Should().Contain("truncated or corrupted");
        reloaded.Task.IsCompleted.Should().BeFalse();

        File.Move(good, path, overwrite: true);
        (await reloaded.Task.WaitAsync(Patience)).Should().Be(2, "a good file after a bad one is loaded");
        pool.Generate("hello").Should().Be(next.Generate(["hello"])[0]);
    }
}
