namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Ids before and after the sequence: what <c>TemplateProcessing</c>'s <c>single</c> template,
/// <c>RobertaProcessing</c> and <c>BertProcessing</c> (<c>cls</c> A <c>sep</c>) do to one sequence.
/// <c>ByteLevel</c> adds nothing and is an empty wrap.
/// </summary>
internal sealed class WrapPostProcessor(IReadOnlyList<int> before, IReadOnlyList<int> after) : PostProcessorStep
{
    public IReadOnlyList<int> Before { get; } = before;

    public IReadOnlyList<int> After { get; } = after;

    public override void Apply(List<int> ids)
    {
        ids.InsertRange(0, Before);
        ids.AddRange(After);
    }
}
