namespace R2M.MLNet.Tokenization;

/// <summary>
/// Thrown when the tokenizer of a HuggingFace model folder cannot be loaded: no supported tokenizer file, an
/// unreadable or malformed file, or a special token that cannot be resolved. The message names the folder,
/// the files and the fields involved.
/// </summary>
public sealed class TokenizerLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, where, and what to do about it.</param>
    /// <param name="modelFolder">The model folder being loaded.</param>
    /// <param name="inner">The exception that caused this one, when there is one.</param>
    public TokenizerLoadException(string message, string modelFolder, Exception? inner = null)
        : base(message, inner)
    {
        ModelFolder = modelFolder;
    }

    /// <summary>The model folder whose tokenizer failed to load.</summary>
    public string ModelFolder { get; }
}
