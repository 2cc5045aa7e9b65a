using System.Xml.Linq;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

/// <summary>
/// Packs both src projects once, from a copy of the repository, into a folder feed that consumer projects
/// restore from as a user who installs the packages would. Shared by the consumer tests (packing is slow).
/// </summary>
public sealed class ConsumerFeed : IDisposable
{
    public const string CheckVersion = "0.1.0-consumercheck";
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(20); // a hang guard, not a speed limit

    private readonly TempDir work = new("r2m-consumer");

    public ConsumerFeed()
    {
        Repo = Path.Combine(work.Path, "repo");
        CopyRepoSources(RepoPaths.Root, Repo);
        Feed = Path.Combine(work.Path, "feed");
        foreach (string project in new[] { "src/R2M.MLNet/R2M.MLNet.csproj", "src/R2M.Estimators/R2M.Estimators.csproj" })
        {
            var pack = ProcessRunner.Run("dotnet", $"pack {project} -c Release -p:Version={CheckVersion} -o \"{Feed}\" -nodeReuse:false -p:UseSharedCompilation=false", Repo, Limit);
            if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {project} failed: {pack}");
        }
    }

    /// <summary>The copy of the repository's sources the packages were packed from.</summary>
    public string Repo { get; }

    /// <summary>The folder feed holding R2M.MLNet and R2M.Estimators at <see cref="CheckVersion"/>.</summary>
    public string Feed { get; }

    /// <summary>The libtorch-cpu-linux-x64 version the repository pins centrally.</summary>
    public static string LibTorchCpuVersion => XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"))
        .Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == "libtorch-cpu-linux-x64")
        .Attribute("Version")!.Value;

    /// <summary>
    /// Writes a console project in a new folder named <paramref name="name"/> that references R2M.Estimators from
    /// the feed, with <paramref name="extra"/> (MSBuild elements) added to its project file; returns the folder.
    /// </summary>
    public string WriteConsumer(string name, string extra = "")
    {
        string dir = Path.Combine(work.Path, name);
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
              {extra}
            </Project>
            """);
        // The packages restore into a folder of their own; everything else comes from the user's package
        // folder as a fallback, so nothing is downloaded twice and the user's cache gets no check package.
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(work.Path, "packages")}" /></config>
              <packageSources><add key="r2m-check" value="{Feed}" /></packageSources>
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
        return dir;
    }

    /// <summary>The package ids and versions ("id/version") restored for a project, from its project.assets.json.</summary>
    public static IReadOnlyList<string> RestoredLibraries(string projectDir)
    {
        using var assets = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(projectDir, "obj", "project.assets.json")));
        return [.. assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name)];
    }

    public void Dispose() => work.Dispose();

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
