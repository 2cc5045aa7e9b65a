namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Strip</c>: from each token, up to <c>start</c> leading and <c>stop</c> trailing <c>content</c> characters removed.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : DecoderStep
{
    public override void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            int from = 0, to = token.Length;
            while (from < Math.Min(start, token.Length) && token[from] == content) from++;
            while (to > from && token.Length - to < stop && token[to - 1] == content) to--;
            tokens[i] = token[from..to];
        }
    }
}
