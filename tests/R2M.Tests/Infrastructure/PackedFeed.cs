namespace R2M.Tests.Infrastructure;

/// <summary>
/// One copy of the repository's sources packed once into a folder feed, shared by every test that builds a consumer
/// project from packages (a pack and a consumer build take about a minute each). The R2M.Cli tool package (it carries
/// libtorch, ~150 MB) is packed only when a test asks for it.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    /// <summary>The version every package is packed with.</summary>
    public const string Version = "0.1.0-consumercheck";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);
    private readonly TempDir work = new("r2m-feed");
    private readonly Lazy<string> tool;

    public PackedFeed()
    {
        Repo = Path.Combine(work.Path, "repo");
        Feed = Path.Combine(work.Path, "feed");
        Packages = Path.Combine(work.Path, "packages");
        CopyRepoSources(RepoPaths.Root, Repo);
        foreach (string project in new[] { "src/R2M.MLNet/R2M.MLNet.csproj", "src/R2M.Estimators/R2M.Estimators.csproj", "src/R2M.Build/R2M.Build.csproj" })
            Pack(project);
        tool = new Lazy<string>(() => Pack("src/R2M.Cli/R2M.Cli.csproj"));
    }

    /// <summary>The copy of the sources that was packed.</summary>
    public string Repo { get; }

    /// <summary>The folder feed.</summary>
    public string Feed { get; }

    /// <summary>The package folder consumers restore into (so the user's cache gets no check package).</summary>
    public string Packages { get; }

    /// <summary>A new folder under the fixture's temporary folder.</summary>
    public string NewFolder(string name)
    {
        string path = Path.Combine(work.Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Packs the R2M.Cli tool package (once) and returns the feed.</summary>
    public string EnsureToolPackage() => tool.Value;

    /// <summary>A nuget.config for a consumer: this feed first, the user's package folder as a fallback.</summary>
    public string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <config><add key="globalPackagesFolder" value="{Packages}" /></config>
          <packageSources><add key="r2m-check" value="{Feed}" /></packageSources>
          <fallbackPackageFolders><add key="user" value="{RepoPaths.NuGetPackagesRoot}" /></fallbackPackageFolders>
        </configuration>
        """;

    public void Dispose() => work.Dispose();

    private string Pack(string project)
    {
        var pack = ProcessRunner.Run("dotnet", $"pack {project} -c Release -p:Version={Version} -o \"{Feed}\" -nodeReuse:false -p:UseSharedCompilation=false", Repo, Limit);
        if (pack.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {project} failed:\n{pack}");
        return Feed;
    }

    private static void CopyRepoSources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "nuget.config", "README.md" })
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        Directory.CreateDirectory(Path.Combine(to, "artifacts", "packages"));
        CopyTree(Path.Combine(from, "src"), Path.Combine(to, "src"));
        CopyTree(Path.Combine(from, "schema"), Path.Combine(to, "schema"));
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

/// <summary>The tests that build consumers from <see cref="PackedFeed"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
