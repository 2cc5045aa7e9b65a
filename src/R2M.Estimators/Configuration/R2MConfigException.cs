namespace R2M.Estimators.Configuration;

/// <summary>
/// An <c>r2m.json</c> file cannot be used: its message is <c>file(line,column): CODE: reason</c>
/// and the parts are properties, so a build can report it as a diagnostic an IDE jumps to.
/// </summary>
public sealed class R2MConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The configuration file.</param>
    /// <param name="line">1-based line (0 when the problem has no place in the file).</param>
    /// <param name="column">1-based column in characters (0 when unknown).</param>
    /// <param name="code">One of <see cref="R2MErrorCodes"/>.</param>
    /// <param name="reason">What is wrong, in words.</param>
    public R2MConfigException(string file, int line, int column, string code, string reason)
        : base(line > 0 ? $"{file}({line},{column}): {code}: {reason}" : $"{file}: {code}: {reason}")
    {
        File = file;
        Line = line;
        Column = column;
        Code = code;
        Reason = reason;
    }

    /// <summary>The configuration file.</summary>
    public string File { get; }

    /// <summary>1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>1-based column in characters, or 0.</summary>
    public int Column { get; }

    /// <summary>The stable error code (see docs/msbuild.md).</summary>
    public string Code { get; }

    /// <summary>What is wrong, in words.</summary>
    public string Reason { get; }
}
