using R2M.MLNet.IO;
using R2M.Sample;

// The main job (see --help). Exit codes: 0 done, 1 failed, 2 bad arguments or a bad input file.
// Every error is one line on stderr, never a stack trace.
SampleArgs parsed;
try
{
    parsed = SampleArgs.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (parsed.Command == "help")
{
    Console.WriteLine(SampleArgs.Usage);
    return 0;
}
try
{
    return parsed.Command == "study" ? Study.Run(parsed) : MainJob.Run(parsed);
}
catch (Exception e) when (e is R2M.MLNet.IO.R2MModelFormatException or R2M.MLNet.Data.PreferenceDataException or FileNotFoundException
                               or DirectoryNotFoundException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"error: {OneLine(e.Message)}");
    return 2;
}
catch (Exception e)
{
    Console.Error.WriteLine($"error: {e.GetType().Name}: {OneLine(e.Message)}");
    return 1;
}

static string OneLine(string message) => message.ReplaceLineEndings(" ");
