using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hostile;

/// <summary>Runs the benchmark program's hidden subcommands (probe, soak) as a child process, optionally under an address-space cap.</summary>
internal static class BenchProcess
{
    public static ProcessRunner.Result Run(string arguments, int? addressSpaceGb = null, TimeSpan? timeout = null)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string dll = Path.Combine(RepoPaths.Root, "bench", "R2M.Benchmarks", "bin", configuration, "net10.0", "R2M.Benchmarks.dll");
        File.Exists(dll).Should().BeTrue($"the test project builds the benchmark program first ({dll})");
        // One libtorch thread: the child shares the machine with the test host. A small GC heap reservation lets
        // the .NET runtime start under an address-space cap.
        string env = "env OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 DOTNET_GCHeapHardLimit=0x40000000";
        string command = addressSpaceGb is int gb
            ? $"-c \"ulimit -v {gb * 1024L * 1024L} && exec {env} dotnet '{dll}' {arguments}\""
            : $"-c \"exec {env} dotnet '{dll}' {arguments}\"";
        return ProcessRunner.Run("/bin/sh", command, Path.GetTempPath(), timeout ?? TimeSpan.FromMinutes(10));
    }
}
