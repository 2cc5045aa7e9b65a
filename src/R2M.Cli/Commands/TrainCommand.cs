using R2M.MLNet.IO;
using System.CommandLine;
using System.Diagnostics;
using R2M.Estimators.Configuration;
using R2M.MLNet;

namespace R2M.Cli.Commands;

/// <summary><c>dotnet r2m train r2m.json --out model.zip</c>: the whole pipeline, the zip written atomically.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Argument<FileInfo>("config") { Description = "The r2m.json file describing the run." };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where the model zip is written (atomically).", Required = true };
        var deps = new Option<FileInfo?>("--deps") { Description = "Also write the run's input files, one per line (used by the MSBuild target for incremental builds)." };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines instead of progress bars." };
        var command = new Command("train", "Train an aligned model from an r2m.json file.") { config, output, deps, plain };
        command.SetAction((result, cancellation) => Task.FromResult(Run(
            result.GetRequiredValue(config).FullName, result.GetRequiredValue(output).FullName,
            result.GetValue(deps)?.FullName, result.GetValue(plain), cancellation)));
        return command;
    }

    public static int Run(string configPath, string outputZip, string? depsFile, bool plain, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            R2MConfig config = R2MConfigReader.Read(configPath);
            TrainingOutput.Run(plain, progress => R2MConfigTraining.Train(config, outputZip, progress, cancellation));
            if (depsFile is not null)
                AtomicFile.WriteAllText(depsFile, string.Join('\n', [configPath, .. R2MConfigPaths.Inputs(config)]) + "\n");
            Console.Out.WriteLine($"r2m: wrote {outputZip} ({new FileInfo(outputZip).Length:N0} bytes) in {watch.Elapsed.TotalSeconds:0.0} s");
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return CliDiagnostics.Report(e, Console.Error);
        }
    }
}
