namespace R2M.Tests.Infrastructure;

/// <summary>
/// Environment preconditions for <c>[SkippableFact]</c> tests: each skips (reported as skipped, with the
/// reason) where the environment cannot run the test. Only platform and data presence are checked here.
/// </summary>
internal static class Requires
{
    public static void Linux() =>
        Skip.IfNot(OperatingSystem.IsLinux(), "this check needs Linux (dlopen, ELF).");

    /// <summary>The ../shared folder, or a skip with a clear message where it is absent.</summary>
    public static string Shared()
    {
        string? shared = RepoPaths.Shared;
        Skip.If(shared is null, "../shared is absent (a user's clone): tests against the golden files and real data are skipped.");
        return shared!;
    }
}
