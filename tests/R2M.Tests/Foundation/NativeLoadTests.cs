using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

public class NativeLoadTests
{
    [SkippableFact]
    public void Missing_library_reports_the_loader_text_naming_the_file()
    {
        Requires.Linux();
        using var dir = new TempDir();
        string path = dir.File("libDoesNotExist.so");

        NativeLibraryProbe.TryLoad(path, out string? error).Should().BeFalse();
        string message = TorchRuntime.DescribeFailure(path, error!);

        message.Should().StartWith($"R2M could not load libtorch: the dynamic loader failed to open {path}: ")
            .And.Contain("cannot open shared object file: No such file or directory")
            .And.Contain("A file it needs is missing");
    }

    [SkippableFact]
    public void A_file_that_is_not_a_library_reports_the_loader_text()
    {
        Requires.Linux();
        using var dir = new TempDir();
        string path = dir.File("libGarbage.so");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());

        NativeLibraryProbe.TryLoad(path, out string? error).Should().BeFalse();

        error.Should().Contain(path).And.Match(e => e.Contains("invalid ELF header") || e.Contains("file too short"));
    }

    [SkippableFact]
    public void Unpatched_bridge_names_the_missing_GLIBCXX_version_when_the_system_lacks_it()
    {
        Requires.Linux();
        File.Exists(RepoPaths.CachedBridge).Should().BeTrue("the TorchSharp package is restored for this build");
        TorchRuntime.EnsureLoaded(); // libtorch's own libraries are loaded, so only the bridge's needs remain
        bool systemHasVersion = SystemLibStdCxx.Provides("GLIBCXX_3.4.32");

        bool loaded = NativeLibraryProbe.TryLoad(RepoPaths.CachedBridge, out string? error);

        if (systemHasVersion)
        {
            loaded.Should().BeTrue("a libstdc++ with GLIBCXX_3.4.32 satisfies the strong requirement");
            return;
        }
        loaded.Should().BeFalse();
        string message = TorchRuntime.DescribeFailure(RepoPaths.CachedBridge, error!);
        message.Should().Contain("version `GLIBCXX_3.4.32' not found")
            .And.Contain("marks that requirement weak in build and publish output");
    }

    [Fact]
    public void Bridge_in_build_output_loads_and_torch_initialises()
    {
        Action load = TorchRuntime.EnsureLoaded;
        load.Should().NotThrow();
    }
}
