using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace R2M.Build.Tasks;

/// <summary>
/// Trains one <c>R2MModel</c> item by running <c>dotnet R2M.Cli.dll train</c> out of process (libtorch never loads
/// into the MSBuild node). Skipped when the zip is up to date (<see cref="R2MModelInputs"/>). The tool's progress
/// lines become messages, and its canonical <c>file(line,col): error R2M1xxx: ...</c> lines become errors an IDE
/// jumps to. Cancelling the build kills the tool; the zip is written atomically, so no partial zip is left.
/// </summary>
public sealed class R2MTrain : ToolTask
{
    private string? skipReason;

    /// <summary>The model item: its identity is the zip's path under the output folder; metadata Config.</summary>
    [Required]
    public ITaskItem Model { get; set; } = null!;

    /// <summary>The configuration file, absolute.</summary>
    [Required]
    public string Config { get; set; } = "";

    /// <summary>Where the tool writes the zip (under obj/).</summary>
    [Required]
    public string OutputZip { get; set; } = "";

    /// <summary>The package's tools/net10.0 folder.</summary>
    [Required]
    public string ToolDirectory { get; set; } = "";

    /// <summary>Folder under obj/ where the tool is laid out with the natives.</summary>
    [Required]
    public string LayoutDirectory { get; set; } = "";

    /// <summary>libtorch and TorchSharp native files the project resolved (ReferenceCopyLocalPaths).</summary>
    public ITaskItem[] NativeFiles { get; set; } = [];

    /// <summary>Symbol version to mark weak in the tool's copy of the native bridge (empty: none).</summary>
    public string WeakVersion { get; set; } = "";

    /// <summary>The dependency file next to the zip.</summary>
    public string DependencyFile => OutputZip + ".deps";

    /// <inheritdoc />
    protected override string ToolName => OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    /// <inheritdoc />
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;

    /// <inheritdoc />
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    /// <inheritdoc />
    protected override string GenerateFullPathToTool() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : ToolName;

    /// <inheritdoc />
    protected override bool SkipTaskExecution()
    {
        skipReason = R2MModelInputs.WhyStale(OutputZip, DependencyFile, Config, [Path.Combine(ToolDirectory, "R2M.Cli.dll")]);
        if (skipReason is null)
        {
            Log.LogMessage(MessageImportance.High, "R2M: {0} is up to date (no training).", Model.ItemSpec);
            return true;
        }
        Log.LogMessage(MessageImportance.High, "R2M: training {0} from {1} ({2}).", Model.ItemSpec, Config, skipReason);
        return false;
    }

    /// <inheritdoc />
    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        bool succeeded = false;
        try
        {
            if (!PrepareLayout()) return -1;
            int exit = base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
            succeeded = exit == 0 && File.Exists(OutputZip);
            return exit;
        }
        finally
        {
            if (!succeeded) RemoveLeftovers();
        }
    }

    /// <inheritdoc />
    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(Path.Combine(LayoutDirectory, "R2M.Cli.dll"));
        builder.AppendSwitch("train");
        builder.AppendFileNameIfNotNull(Config);
        builder.AppendSwitchIfNotNull("--out ", OutputZip);
        builder.AppendSwitchIfNotNull("--deps ", DependencyFile);
        builder.AppendSwitch("--plain");
        return builder.ToString();
    }

    /// <inheritdoc />
    protected override bool HandleTaskExecutionErrors()
    {
        if (!Log.HasLoggedErrors)
            Log.LogError(null, "R2M1901", null, Config, 0, 0, 0, 0, "R2M: the r2m tool exited with code {0} while training {1}.", ExitCode, Model.ItemSpec);
        return false;
    }

    /// <inheritdoc />
    protected override Encoding StandardOutputEncoding => Encoding.UTF8;

    /// <inheritdoc />
    protected override Encoding StandardErrorEncoding => Encoding.UTF8;

    private bool PrepareLayout()
    {
        try
        {
            var natives = NativeFiles.Select(f => (f.ItemSpec,
                Path.Combine(f.GetMetadata("DestinationSubDirectory"), Path.GetFileName(f.ItemSpec))));
            R2MToolLayout.Prepare(ToolDirectory, LayoutDirectory, natives, WeakVersion.Length == 0 ? null : WeakVersion,
                line => Log.LogMessage(MessageImportance.Low, "R2M: {0}", line));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Log.LogError(null, "R2M1901", null, null, 0, 0, 0, 0, "R2M: could not lay out the r2m tool in {0}: {1}", LayoutDirectory, e.Message);
            return false;
        }
    }

    /// <summary>A killed tool may leave its temporary file (AtomicFile's <c>.name.guid.tmp</c>); never a partial zip.</summary>
    private void RemoveLeftovers()
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(OutputZip));
        if (dir is null || !Directory.Exists(dir)) return;
        foreach (string temp in Directory.EnumerateFiles(dir, $".{Path.GetFileName(OutputZip)}.*.tmp"))
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
    }
}
