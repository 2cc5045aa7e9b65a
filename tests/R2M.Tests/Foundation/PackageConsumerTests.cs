using R2M.Build;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

/// <summary>
/// Builds a separate consumer project against the packed folder feed (as a user who installs the packages would),
/// and runs a tensor operation in it. This is the only proof that the buildTransitive target reaches package consumers.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public class PackageConsumerTests(PackedFeed feed)
{
    [Fact]
    public void Consumer_of_the_packed_packages_builds_loads_libtorch_and_computes()
    {
        Directory.GetFiles(feed.Feed, "*.nupkg").Select(Path.GetFileName).Should().Contain(
            [$"R2M.MLNet.{PackedFeed.Version}.nupkg", $"R2M.Estimators.{PackedFeed.Version}.nupkg"]);

        string consumer = feed.NewFolder("consumer-compute");
        WriteConsumer(consumer, feed);
        var run = ProcessRunner.Run("dotnet", "run -c Release -nodeReuse:false -p:UseSharedCompilation=false", consumer, TimeSpan.FromMinutes(4));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("consumer: sum of x·xᵀ = 155");
        if (OperatingSystem.IsLinux())
        {
            string bridge = Directory.GetFiles(Path.Combine(consumer, "bin"), TorchRuntime.BridgeFileName, SearchOption.AllDirectories).Single();
            ElfVersionPatcher.HasStrongRequirement(bridge, "GLIBCXX_3.4.32").Should().BeFalse("the package's buildTransitive target ran");
        }
    }

    private static void WriteConsumer(string dir, PackedFeed feed)
    {
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="R2M.Estimators" Version="{PackedFeed.Version}" />
              </ItemGroup>
            </Project>
            """);
        // The packages restore into a folder of their own; everything else comes from the user's package
        // folder as a fallback, so nothing is downloaded twice and the user's cache gets no check package.
        File.WriteAllText(Path.Combine(dir, "nuget.config"), feed.NuGetConfig());
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using Microsoft.ML;
            using R2M.Estimators;
            using static TorchSharp.torch;

            new MLContext(seed: 1).R2M();
            using var x = arange(1, 7, dtype: float32).reshape(2, 3);
            // x·xᵀ = [[14, 32], [32, 77]]
            Console.WriteLine($"consumer: sum of x·xᵀ = {x.matmul(x.t()).sum().item<float>()}");
            """);
    }
}
