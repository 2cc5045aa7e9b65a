using R2M.Sample;

// The main job (see --help). Exit codes: 0 done, 1 failed, 2 bad arguments.
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
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
