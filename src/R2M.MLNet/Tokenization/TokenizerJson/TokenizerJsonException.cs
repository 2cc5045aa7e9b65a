namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// A <c>tokenizer.json</c> that cannot be used: malformed, over a size limit, or naming a component that is not
/// supported. <see cref="JsonPath"/> names the offending place, e.g. <c>pre_tokenizer.pretokenizers[1].type</c>.
/// </summary>
public sealed class TokenizerJsonException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jsonPath">Where in the file the problem is (empty for the whole file).</param>
    /// <param name="problem">What is wrong there; a problem starting with "= " follows the path directly.</param>
    /// <param name="inner">The exception that caused this one, when there is one.</param>
    public TokenizerJsonException(string jsonPath, string problem, Exception? inner = null)
        : base(jsonPath.Length == 0 ? $"tokenizer.json: {problem}"
            : problem.StartsWith("= ", StringComparison.Ordinal) ? $"tokenizer.json: {jsonPath} {problem}"
            : $"tokenizer.json: {jsonPath}: {problem}", inner)
    {
        JsonPath = jsonPath;
    }

    /// <summary>The JSON path of the offending value (empty for the whole file).</summary>
    public string JsonPath { get; }
}
