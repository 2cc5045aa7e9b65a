namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// <c>ByteLevel</c>: optionally a space before each piece that lacks one (<c>add_prefix_space</c>), optionally the
/// GPT-2 split (<c>use_regex</c>, default true), then each piece rewritten as its UTF-8 bytes in the byte alphabet.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : PreTokenizerStep
{
    /// <summary>GPT-2's pre-tokenizer regex.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Lazy<SplitPreTokenizer> Gpt2Split =
        new(() => new SplitPreTokenizer(TextPattern.FromRegex(Gpt2Pattern, "ByteLevel"), SplitBehavior.Isolated, invert: false));

    /// <summary>True when this step only rewrites each piece into the byte alphabet (no prefix space, no split).</summary>
    public bool OnlyMapsBytes => !addPrefixSpace && !useRegex;

    /// <summary>The GPT-2 split regex when this step splits with it and adds no prefix space; else null.</summary>
    public System.Text.RegularExpressions.Regex? SplitRegex => !addPrefixSpace && useRegex ? Gpt2Split.Value.IsolatedRegex : null;

    public override void Split(Piece piece, List<Piece> output)
    {
        if (addPrefixSpace && !piece.Text.StartsWith(' ')) piece = piece with { Text = " " + piece.Text };
        if (!useRegex)
        {
            output.Add(piece with { Text = ByteLevelAlphabet.Encode(piece.Text) });
            return;
        }
        int first = output.Count;
        Gpt2Split.Value.Split(piece, output);
        for (int i = first; i < output.Count; i++) output[i] = output[i] with { Text = ByteLevelAlphabet.Encode(output[i].Text) };
    }
}
