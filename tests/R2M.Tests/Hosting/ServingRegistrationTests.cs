using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using R2M.MLNet.Hosting;
using R2M.MLNet.Serving;
using R2M.MLNet.Persistence;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hosting;

public class ServingRegistrationTests
{
    private static readonly string[] Prompts = ["hello", "abc", "the quick brown fox"];

    [Fact]
    public void Plain_service_collection_serves_the_same_outputs_as_the_model()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 11);
        var services = new ServiceCollection();
        services.AddR2M(o => { o.PoolSize = 2; o.MaxBatch = 2; }).FromFile(path);

        using var model = R2MModelArchive.Load(path);
        using (var provider = services.BuildServiceProvider())
        {
            var pool = provider.GetRequiredService<R2MEnginePool>();
            provider.GetRequiredService<R2MEnginePool>().Should().BeSameAs(pool);
            pool.Version.Should().Be(0, "the model is loaded lazily, on first use");

            pool.Generate("hello").Should().Be(model.Generate(["hello"])[0]);
            pool.Version.Should().Be(1);
            pool.Score("hello", "world").Should().Be(model.Score(["hello"], ["world"])[0]);
            using (var engine = pool.Rent())
            {
                // MaxBatch 2: three prompts go as a batch of two, then one.
                engine.Generate(Prompts).Should().Equal(model.Generate(Prompts[..2]).Concat(model.Generate(Prompts[2..])));
                engine.Score(Prompts, ["x", "y", "z"]).Should().Equal(model.Score(Prompts[..2], ["x", "y"]).Concat(model.Score(Prompts[2..], ["z"])));
                engine.ModelVersion.Should().Be(1);
                pool.RentedCount.Should().Be(1);
            }
            pool.RentedCount.Should().Be(0);
        }
    }

    [Fact]
    public void Generic_host_serves_default_and_named_models_and_disposes_them_with_the_host()
    {
        using var dir = new TempDir();
        string first = dir.File("first.zip"), second = dir.File("second.zip");
        TinyModelZip.Save(first, seed: 11);
        TinyModelZip.Save(second, seed: 12);
        var logs = new CapturedLogs();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddR2M(o => o.PoolSize = 2).FromFile(first).FromFile("second", second, configure: o => o.MaxBatch = 1);

        using var firstModel = R2MModelArchive.Load(first);
        using var secondModel = R2MModelArchive.Load(second);
        var disposed = new List<string>();
        using (var host = builder.Build())
        {
            var pool = host.Services.GetRequiredService<R2MEnginePool>();
            var named = host.Services.GetRequiredKeyedService<R2MEnginePool>("second");
            pool.ModelDisposed += (_, e) => disposed.Add(e.ModelPath);
            named.ModelDisposed += (_, e) => disposed.Add(e.ModelPath);

            pool.Generate(Prompts).Should().Equal(firstModel.Generate(Prompts));
            pool.Score("hello", "world").Should().Be(firstModel.Score(["hello"], ["world"])[0]);
            named.Generate("hello").Should().Be(secondModel.Generate(["hello"])[0]);
            named.Score("hello", "world").Should().Be(secondModel.Score(["hello"], ["world"])[0]);
            named.Score("hello", "world").Should().NotBe(pool.Score("hello", "world"));
        }

        disposed.Should().BeEquivalentTo([first, second], "the host disposes its singletons, which dispose their models");
        var loaded = logs.Entries.Where(e => e.EventId.Id == 1).ToList();
        loaded.Should().HaveCount(2).And.OnlyContain(e => e.Category == typeof(R2MEnginePool).FullName && e.Level == LogLevel.Information);
        loaded.Select(e => e.Message).Should().Contain(m => m.StartsWith($"Loaded R2M model {first} as version 1 on cpu", StringComparison.Ordinal));
        logs.Entries.Where(e => e.EventId.Id == 4).Should().HaveCount(2);
    }

    [Fact]
    public void Missing_file_fails_on_first_use_with_the_archive_message_and_the_next_rent_tries_again()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        using var provider = new ServiceCollection().AddR2M().FromFile(path).Services.BuildServiceProvider();
        var pool = provider.GetRequiredService<R2MEnginePool>();

        Action first = () => pool.Generate("hi");
        first.Should().Throw<FileNotFoundException>().WithMessage($"No R2M model zip at {path}.");

        TinyModelZip.Save(path, seed: 11);
        pool.Generate("hi").Should().NotBeNull();
        pool.Version.Should().Be(1);
    }

    [Fact]
    public void A_pool_asked_for_a_bf16_policy_generates_with_bf16_weights_and_scores_within_tolerance()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 11);
        using (var model = R2MModelArchive.Load(path, TorchSharp.torch.CPU))
        {
            model.SetPolicyPrecision(PolicyPrecision.BFloat16);
            model.Policy.parameters().Should().OnlyContain(p => p.dtype == TorchSharp.torch.ScalarType.BFloat16);
            model.RewardModel.parameters().Should().OnlyContain(p => p.dtype == TorchSharp.torch.ScalarType.Float32);
        }
        using var full = new R2MEnginePool(new R2MServingOptions { ModelPath = path, PoolSize = 1 });
        using var half = new R2MEnginePool(new R2MServingOptions { ModelPath = path, PoolSize = 1, PolicyPrecision = PolicyPrecision.BFloat16 });
        using var a = full.Rent();
        using var b = half.Rent();

        b.Generate("hi").Should().NotBeNull();
        float reference = a.Score("hi", "there"), reduced = b.Score("hi", "there");
        float.IsFinite(reduced).Should().BeTrue();
        reduced.Should().BeApproximately(reference, 0.05f, "only the policy's feedback, read by the aligner, is bf16");
    }

    [Fact]
    public void Pool_size_bounds_rentals_and_a_returned_engine_refuses_further_use()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 11);
        using var pool = new R2MEnginePool(new R2MServingOptions { ModelPath = path, PoolSize = 1 });

        var engine = pool.Rent();
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            Action second = () => pool.Rent(cts.Token);
            second.Should().Throw<OperationCanceledException>("the only engine is rented");
        }
        engine.Dispose();
        engine.Dispose(); // a second return does nothing

        Action stale = () => engine.Generate("hi");
        stale.Should().Throw<ObjectDisposedException>().WithMessage("*returned to its pool*");
        using var again = pool.Rent();
        again.Generate("hi").Should().NotBeNull();
    }

    [Fact]
    public void Options_out_of_range_are_refused_when_the_pool_is_created()
    {
        Action size = () => new R2MEnginePool(new R2MServingOptions { ModelPath = "m.zip", PoolSize = 0 });
        Action path = () => new R2MEnginePool(new R2MServingOptions());

        size.Should().Throw<ArgumentOutOfRangeException>().WithMessage("R2MServingOptions.PoolSize must be at least 1.*");
        path.Should().Throw<ArgumentException>().WithMessage("R2MServingOptions.ModelPath is empty*");
    }
}
