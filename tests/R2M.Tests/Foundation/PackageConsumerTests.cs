using R2M.Build;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

/// <summary>
/// Packs both src projects, builds a separate consumer project against that folder feed (as a user who
/// installs the packages would), and runs a tensor operation in it. This is the only proof that the
/// buildTransitive target reaches package consumers.
/// </summary>
public class PackageConsumerTests
{
    private const string CheckVersion = "0.1.0-consumercheck";

    [Fact]
    public void Consumer_of_the_packed_packages_builds_loads_libtorch_and_computes()
    {
        using var work = new TempDir("r2m-consumer");
        string repo = Path.Combine(work.Path, "repo");
        CopyRepoSources(RepoPaths.Root, repo);
        string feed = Path.Combine(work.Path, "feed");
        TimeSpan limit = TimeSpan.FromMinutes(20); // a hang guard, not a speed limit

        foreach (string project in new[] { "src/R2M.MLNet/R2M.MLNet.csproj", "src/R2M.Estimators/R2M.Estimators.csproj" })
        {
            var pack = ProcessRunner.Run("dotnet", $"pack {project} -c Release -p:Version={CheckVersion} -o \"{feed}\" -nodeReuse:false -p:UseSharedCompilation=false", repo, limit);
            pack.ExitCode.Should().Be(0, pack.ToString());
        }
        Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Should().BeEquivalentTo(
            [$"R2M.MLNet.{CheckVersion}.nupkg", $"R2M.Estimators.{CheckVersion}.nupkg"]);

        string consumer = Path.Combine(work.Path, "consumer");
        WriteConsumer(consumer, feed, Path.Combine(work.Path, "packages"));
        var run = ProcessRunner.Run("dotnet", "run -c Release -nodeReuse:false -p:UseSharedCompilation=false", consumer, limit);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("consumer: sum of x·xᵀ = 155");
        if (OperatingSystem.IsLinux())
        {
            string bridge = Directory.GetFiles(Path.Combine(consumer, "bin"), TorchRuntime.BridgeFileName, SearchOption.AllDirectories).Single();
            ElfVersionPatcher.HasStrongRequirement(bridge, "GLIBCXX_3.4.32").Should().BeFalse("the package's buildTransitive target ran");
        }
    }

    private static void WriteConsumer(string dir, string feed, string packages)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="R2M.Estimators" Version="{CheckVersion}" />
              </ItemGroup>
            </Project>
            """);
        // The packages restore into a folder of their own; everything else comes from the user's package
        // folder as a fallback, so nothing is downloaded twice and the user's cache gets no check package.
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources><add key="r2m-check" value="{feed}" /></packageSources>
              <fallbackPackageFolders><add key="user" value="{RepoPaths.NuGetPackagesRoot}" /></fallbackPackageFolders>
            </configuration>
            """);
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

    private static void CopyRepoSources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "nuget.config", "README.md" })
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        Directory.CreateDirectory(Path.Combine(to, "artifacts", "packages"));
        CopyTree(Path.Combine(from, "src"), Path.Combine(to, "src"));
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj") continue;
            CopyTree(dir, Path.Combine(to, name));
        }
    }
}
