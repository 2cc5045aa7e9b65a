using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

public class RepositoryHygieneTests
{
    // Built from parts so that this file does not name them itself.
    private static readonly string[] RegistryHosts =
    [
        "nuget" + ".org", "npmjs" + ".org", "npmjs" + ".com", "registry" + ".npm", "pypi" + ".org",
        "pythonhosted" + ".org", "crates" + ".io", "proxy.golang" + ".org", "myget" + ".org", "pkgs.dev.azure" + ".com",
    ];

    [Fact]
    public void No_source_or_config_file_names_a_package_registry_host()
    {
        var offenders = new List<string>();
        foreach (string file in SourceFiles(RepoPaths.Root))
        {
            string text = File.ReadAllText(file);
            foreach (string host in RegistryHosts)
            {
                if (text.Contains(host, StringComparison.OrdinalIgnoreCase))
                    offenders.Add($"{Path.GetRelativePath(RepoPaths.Root, file)} names {host}");
            }
        }
        offenders.Should().BeEmpty();
    }

    [Fact]
    public void Nuget_config_keeps_the_default_source_and_adds_the_local_feed()
    {
        string config = File.ReadAllText(Path.Combine(RepoPaths.Root, "nuget.config"));
        config.Should().NotContain("<clear").And.Contain("value=\"artifacts/packages\"");
        Directory.Exists(Path.Combine(RepoPaths.Root, "artifacts", "packages")).Should().BeTrue("restore needs the feed folder");
    }

    [SkippableFact]
    public void Build_output_under_artifacts_is_never_tracked()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(RepoPaths.Root, ".git")), "not a git checkout");
        var tracked = ProcessRunner.Run("git", "ls-files artifacts", RepoPaths.Root, TimeSpan.FromMinutes(5));

        tracked.ExitCode.Should().Be(0, tracked.Output);
        tracked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Should().Equal(["artifacts/packages/README.md"], "packages, the GPU bundle and its golden copy are build output (third-party binaries, shared data)");
    }

    private static IEnumerable<string> SourceFiles(string root)
    {
        var skip = new HashSet<string>(StringComparer.Ordinal) { "bin", "obj", ".git", "artifacts", "out", "TestResults" };
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            foreach (string sub in Directory.EnumerateDirectories(dir))
            {
                if (!skip.Contains(Path.GetFileName(sub))) pending.Push(sub);
            }
            foreach (string file in Directory.EnumerateFiles(dir))
            {
                if (new FileInfo(file).Length < 4_000_000 && !IsBinary(file)) yield return file;
            }
        }
    }

    private static bool IsBinary(string file)
    {
        using var stream = File.OpenRead(file);
        var head = new byte[Math.Min(8000, (int)stream.Length)];
        stream.ReadExactly(head);
        return head.Contains((byte)0);
    }
}
