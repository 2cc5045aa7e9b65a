using Microsoft.ML;
using R2M.Estimators;
using R2M.MLNet.Modeling;

namespace R2M.Benchmarks;

/// <summary>
/// Hidden subcommand "probe", run by the hostile-input tests under a memory cap: loads each model zip
/// (--zips a,b,..) or HuggingFace folder (--folders a,b,..) and prints one line per file, "loaded" or
/// "refused {ExceptionType}: {message}". Anything else (an abort, an out-of-memory kill) is the test failing.
/// </summary>
internal static class Probe
{
    public static int Run(BenchArgs args)
    {
        var r2m = new MLContext(1).R2M();
        foreach (string zip in Split(args.String("zips", "")))
            Report(zip, () => r2m.LoadModel(zip).Dispose());
        foreach (string folder in Split(args.String("folders", "")))
            Report(folder, () => HfCheckpoint.LoadCausalLM(folder).Dispose());
        return 0;
    }

    private static IEnumerable<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static void Report(string file, Action load)
    {
        try
        {
            load();
            Console.WriteLine($"{Path.GetFileName(file)}: loaded");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.WriteLine($"{Path.GetFileName(file)}: refused {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
