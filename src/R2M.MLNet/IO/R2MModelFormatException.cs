namespace R2M.MLNet.IO;

/// <summary>
/// A model file (config.json, safetensors, model.json, manifest, trainer state, or an entry of a model zip)
/// that is malformed, inconsistent or out of bounds. The message starts with the file (for a zip entry
/// <c>model.zip!r2m/policy/config.json</c>) and, for JSON, names the field. One type for every model-file
/// problem, so a server can tell "this file is bad" (keep serving the old model) from a bug.
/// </summary>
public sealed class R2MModelFormatException : IOException
{
    /// <summary>Creates the exception: "<paramref name="file"/>: <paramref name="field"/>: <paramref name="problem"/>".</summary>
    /// <param name="file">The file as the user knows it (a zip entry as <c>zip!entry</c>).</param>
    /// <param name="field">The JSON path or tensor name at fault, or null when the whole file is.</param>
    /// <param name="problem">What is wrong, as a sentence without the file name.</param>
    /// <param name="inner">The lower-level error, if any.</param>
    public R2MModelFormatException(string file, string? field, string problem, Exception? inner = null)
        : base(Compose(file, field, problem), inner)
    {
        File = file;
        Field = field;
        Problem = problem;
    }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>The file (or <c>zip!entry</c>) that is at fault.</summary>
    public string File { get; }

    /// <summary>The JSON path or tensor name at fault, or null.</summary>
    public string? Field { get; }

    /// <summary>The same error reported against another file name (a zip entry instead of its temporary copy).</summary>
    public R2MModelFormatException Renamed(string file) => new(file, Field, Problem, InnerException);

    private static string Compose(string file, string? field, string problem)
    {
        string text = field is null ? $"{file}: {problem}" : $"{file}: field '{field}': {problem}";
        return text.EndsWith('.') ? text : text + ".";
    }
}
