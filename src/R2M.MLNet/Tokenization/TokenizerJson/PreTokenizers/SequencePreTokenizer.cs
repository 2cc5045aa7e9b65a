namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Sequence</c>: each pre-tokenizer applied to every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<PreTokenizerStep> steps) : PreTokenizerStep
{
    public IReadOnlyList<PreTokenizerStep> Steps => steps;

    public override void Split(Piece piece, List<Piece> output) => SplitAll([piece], output);

    public override void SplitAll(List<Piece> input, List<Piece> output)
    {
        if (steps.Count == 0)
        {
            output.AddRange(input);
            return;
        }
        List<Piece> current = input;
        for (int i = 0; i < steps.Count; i++)
        {
            List<Piece> next = i == steps.Count - 1 ? output : new List<Piece>(current.Count * 2);
            steps[i].SplitAll(current, next);
            current = next;
        }
    }
}
