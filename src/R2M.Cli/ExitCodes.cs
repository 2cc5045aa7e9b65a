namespace R2M.Cli;

/// <summary>The exit codes of <c>dotnet r2m</c> (documented in docs/msbuild.md; stable).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>The command line is wrong (System.CommandLine's own parse errors also exit with 1).</summary>
    public const int Usage = 1;
    /// <summary>The configuration file cannot be used (R2M100x).</summary>
    public const int Config = 2;
    /// <summary>A preference file cannot be used (R2M110x).</summary>
    public const int Data = 3;
    /// <summary>A base model, training or the model zip failed (R2M12xx–R2M14xx).</summary>
    public const int Failed = 4;
    /// <summary>Cancelled (Ctrl+C, or the build was cancelled); nothing was written.</summary>
    public const int Cancelled = 130;
}
