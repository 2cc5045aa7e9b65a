namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Sequence</c>: the post-processors applied in order.</summary>
internal sealed class SequencePostProcessor(IReadOnlyList<PostProcessorStep> steps) : PostProcessorStep
{
    public override void Apply(List<int> ids)
    {
        foreach (PostProcessorStep step in steps) step.Apply(ids);
    }
}
