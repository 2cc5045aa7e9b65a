using R2M.Build;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

/// <summary>
/// Projects that consume the packed packages from a folder feed, as a user who installs them would. The only
/// proof that the buildTransitive targets reach package consumers, and that R2MLibTorch=none leaves libtorch out.
/// </summary>
public class PackageConsumerTests(ConsumerFeed packed) : IClassFixture<ConsumerFeed>
{
    private const string Build = "-c Release -nodeReuse:false -p:UseSharedCompilation=false";

    [Fact]
    public void Consumer_of_the_packed_packages_builds_loads_libtorch_and_computes()
    {
        Directory.GetFiles(packed.Feed, "*.nupkg").Select(Path.GetFileName).Should().BeEquivalentTo(
            [$"R2M.MLNet.{ConsumerFeed.CheckVersion}.nupkg", $"R2M.Estimators.{ConsumerFeed.CheckVersion}.nupkg"]);
        string consumer = packed.WriteConsumer("default");

        var run = ProcessRunner.Run("dotnet", $"run {Build}", consumer, ConsumerFeed.Limit);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("consumer: sum of x·xᵀ = 155");
        ConsumerFeed.RestoredLibraries(consumer).Should().Contain($"libtorch-cpu-linux-x64/{ConsumerFeed.LibTorchCpuVersion}");
        if (OperatingSystem.IsLinux())
        {
            string bridge = Directory.GetFiles(Path.Combine(consumer, "bin"), TorchRuntime.BridgeFileName, SearchOption.AllDirectories).Single();
            ElfVersionPatcher.HasStrongRequirement(bridge, "GLIBCXX_3.4.32").Should().BeFalse("the package's buildTransitive target ran");
        }
    }

    [Fact]
    public void Consumer_with_R2MLibTorch_none_and_the_prune_line_builds_without_restoring_libtorch_cpu()
    {
        string consumer = packed.WriteConsumer("none", $"""
            <PropertyGroup><R2MLibTorch>none</R2MLibTorch></PropertyGroup>
            <ItemGroup><PrunePackageReference Include="libtorch-cpu-linux-x64" Version="{ConsumerFeed.LibTorchCpuVersion}" /></ItemGroup>
            """);

        var build = ProcessRunner.Run("dotnet", $"build {Build}", consumer, ConsumerFeed.Limit);

        build.ExitCode.Should().Be(0, build.ToString());
        ConsumerFeed.RestoredLibraries(consumer).Should().Contain(l => l.StartsWith("TorchSharp/", StringComparison.Ordinal))
            .And.NotContain(l => l.StartsWith("libtorch-cpu-linux-x64/", StringComparison.Ordinal));
        string bin = Path.Combine(consumer, "bin");
        Directory.GetFiles(bin, TorchRuntime.BridgeFileName, SearchOption.AllDirectories).Should().ContainSingle("TorchSharp's bridge still ships");
        Directory.GetFiles(bin, "libtorch_cpu.so", SearchOption.AllDirectories).Should().BeEmpty("libtorch comes from elsewhere");
    }

    [Fact]
    public void Consumer_that_sets_none_but_keeps_libtorch_cpu_fails_with_R2M002_naming_the_prune_line()
    {
        string consumer = packed.WriteConsumer("none-unpruned", "<PropertyGroup><R2MLibTorch>none</R2MLibTorch></PropertyGroup>");

        var build = ProcessRunner.Run("dotnet", $"build {Build}", consumer, ConsumerFeed.Limit);

        build.ExitCode.Should().NotBe(0);
        build.Output.Should().Contain("error R2M002")
            .And.Contain($"<PrunePackageReference Include=\"libtorch-cpu-linux-x64\" Version=\"{ConsumerFeed.LibTorchCpuVersion}\" />");
    }

    [Fact]
    public void Unknown_R2MLibTorch_value_fails_the_build_with_R2M001()
    {
        string consumer = packed.WriteConsumer("cuda", "<PropertyGroup><R2MLibTorch>cuda</R2MLibTorch></PropertyGroup>");

        var build = ProcessRunner.Run("dotnet", $"build {Build}", consumer, ConsumerFeed.Limit);

        build.ExitCode.Should().NotBe(0);
        build.Output.Should().Contain("error R2M001").And.Contain("got 'cuda'");
    }

    [Fact]
    public void Repository_restored_with_R2MLibTorch_none_has_no_libtorch_cpu_in_either_src_project()
    {
        var restore = ProcessRunner.Run("dotnet", "restore src/R2M.Estimators/R2M.Estimators.csproj -p:R2MLibTorch=none -nodeReuse:false",
            packed.Repo, ConsumerFeed.Limit);

        restore.ExitCode.Should().Be(0, restore.ToString());
        foreach (string project in new[] { "src/R2M.MLNet", "src/R2M.Estimators" })
        {
            ConsumerFeed.RestoredLibraries(Path.Combine(packed.Repo, project))
                .Should().NotContain(l => l.StartsWith("libtorch-cpu-linux-x64/", StringComparison.Ordinal), project);
        }
    }
}
