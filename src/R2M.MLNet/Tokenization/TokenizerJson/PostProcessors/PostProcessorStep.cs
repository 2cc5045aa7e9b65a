namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>A <c>tokenizer.json</c> post-processor, for one sequence: adds the special tokens around the ids.</summary>
internal abstract class PostProcessorStep
{
    /// <summary>Adds the special tokens to <paramref name="ids"/> in place.</summary>
    public abstract void Apply(List<int> ids);
}
