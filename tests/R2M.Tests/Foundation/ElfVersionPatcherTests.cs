using R2M.Build;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Foundation;

public class ElfVersionPatcherTests
{
    private const string Version = "GLIBCXX_3.4.32";

    [SkippableFact]
    public void Package_copy_needs_the_version_strongly_and_patching_a_copy_makes_it_weak_once()
    {
        Requires.Linux();
        using var dir = new TempDir();
        string copy = dir.File(TorchRuntime.BridgeFileName);
        File.Copy(RepoPaths.CachedBridge, copy);
        byte[] before = File.ReadAllBytes(copy);

        ElfVersionPatcher.HasStrongRequirement(copy, Version).Should().BeTrue();
        ElfVersionPatcher.MarkWeak(copy, Version).Should().Be(ElfPatchOutcome.Patched);
        ElfVersionPatcher.HasStrongRequirement(copy, Version).Should().BeFalse();
        ElfVersionPatcher.MarkWeak(copy, Version).Should().Be(ElfPatchOutcome.AlreadyWeak, "the patch is idempotent");

        byte[] after = File.ReadAllBytes(copy);
        after.Length.Should().Be(before.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        changed.Should().ContainSingle("only the low byte of vna_flags changes (VER_FLG_WEAK = 2)");
        (after[changed[0]] ^ before[changed[0]]).Should().Be(2);
        ElfVersionPatcher.HasStrongRequirement(RepoPaths.CachedBridge, Version).Should().BeTrue("the NuGet cache is never touched");
    }

    [SkippableFact]
    public void Bridge_in_this_build_output_was_patched_by_the_msbuild_target()
    {
        Requires.Linux();
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", TorchRuntime.BridgeFileName);
        File.Exists(output).Should().BeTrue();

        ElfVersionPatcher.HasStrongRequirement(output, Version).Should().BeFalse();
        ElfVersionPatcher.FindRequirementFlagsOffset(File.ReadAllBytes(output), Version).Should().BePositive();
    }

    [Fact]
    public void File_without_the_requirement_or_not_elf_is_left_unchanged()
    {
        using var dir = new TempDir();
        string text = dir.File("notes.txt");
        File.WriteAllText(text, "not an ELF file");
        ElfVersionPatcher.MarkWeak(text, Version).Should().Be(ElfPatchOutcome.NotElf);
        File.ReadAllText(text).Should().Be("not an ELF file");

        if (OperatingSystem.IsLinux())
        {
            string libc = dir.File("libm-copy.so");
            File.Copy(SystemLibraries.LibM, libc);
            ElfVersionPatcher.MarkWeak(libc, Version).Should().Be(ElfPatchOutcome.NotRequired);
        }
    }

    [SkippableFact]
    public void Truncated_elf_file_is_refused_with_a_clear_error()
    {
        Requires.Linux();
        using var dir = new TempDir();
        string cut = dir.File("libCut.so");
        File.WriteAllBytes(cut, File.ReadAllBytes(RepoPaths.CachedBridge).AsSpan(0, 300_000).ToArray());

        Action patch = () => ElfVersionPatcher.MarkWeak(cut, Version);

        patch.Should().Throw<InvalidDataException>().WithMessage("ELF file is truncated or inconsistent: *outside the file (300000 bytes).");
        File.ReadAllBytes(cut).Length.Should().Be(300_000, "a failed patch leaves the file as it was");
    }
}

internal static class SystemLibraries
{
    public static string LibM => new[] { "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/aarch64-linux-gnu/libm.so.6" }
        .First(File.Exists);
}
