namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>WhitespaceSplit</c>: splits on white space, which is dropped.</summary>
internal sealed class WhitespaceSplitPreTokenizer : PreTokenizerStep
{
    public override void Split(Piece piece, List<Piece> output)
    {
        string text = piece.Text;
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool space = i == text.Length || char.IsWhiteSpace(text[i]);
            if (!space && start < 0) start = i;
            else if (space && start >= 0)
            {
                output.Add(new Piece(text[start..i], piece.Offset + start));
                start = -1;
            }
        }
    }
}
