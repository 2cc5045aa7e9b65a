using R2M.Estimators.Configuration;
using R2M.MLNet.Data;
using R2M.MLNet.Tokenization;

namespace R2M.Cli;

/// <summary>
/// Turns an exception into one canonical diagnostic line, <c>file(line,col): error CODE: message</c> (the format
/// MSBuild and IDEs parse), and an exit code. ML.NET may wrap the cause, so the chain is searched.
/// </summary>
internal static class CliDiagnostics
{
    /// <summary>Writes the diagnostic for <paramref name="error"/> to <paramref name="output"/>; returns the exit code.</summary>
    public static int Report(Exception error, TextWriter output, string fallbackCode = R2MErrorCodes.TrainingFailed)
    {
        var (line, exit) = Describe(error, fallbackCode);
        output.WriteLine(line);
        return exit;
    }

    /// <summary>The canonical line and exit code for <paramref name="error"/>.</summary>
    public static (string Line, int ExitCode) Describe(Exception error, string fallbackCode)
    {
        foreach (Exception e in Chain(error))
        {
            switch (e)
            {
                case OperationCanceledException:
                    return ("r2m : error R2M1901: cancelled; nothing was written", ExitCodes.Cancelled);
                case R2MConfigException c:
                    return (Canonical(c.File, c.Line, c.Column, c.Code, c.Reason), ExitCodes.Config);
                case PreferenceDataException d:
                    string where = d.Record is int record ? $"record {record}: " : "";
                    string field = d.Field is null ? "" : $"field '{d.Field}': ";
                    string code = d.Line is null && d.Record is null ? R2MErrorCodes.DataUnusable : R2MErrorCodes.DataInvalidRecord;
                    int column = d.Column ?? (d.Line is int l && d.Field is not null ? FieldColumn.Find(d.File, l, d.Field) : 0);
                    return (Canonical(Path.GetFullPath(d.File), d.Line ?? 0, column, code, where + field + d.Reason), ExitCodes.Data);
                case TokenizerLoadException t:
                    return (Canonical("r2m", 0, 0, R2MErrorCodes.BaseModelUnloadable, t.Message), ExitCodes.Failed);
            }
        }
        Exception root = Chain(error).Last();
        return (Canonical("r2m", 0, 0, fallbackCode, $"{root.GetType().Name}: {OneLine(root.Message)}"), ExitCodes.Failed);
    }

    /// <summary><c>file(line,col): error CODE: message</c>; without a line, <c>file : error CODE: message</c>.</summary>
    public static string Canonical(string file, int line, int column, string code, string message) =>
        line > 0
            ? $"{file}({line}{(column > 0 ? $",{column}" : "")}): error {code}: {OneLine(message)}"
            : $"{file} : error {code}: {OneLine(message)}";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate && aggregate.InnerException is null)
                foreach (var inner in aggregate.InnerExceptions) yield return inner;
        }
    }
}
