using System.Text.RegularExpressions;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Whitespace</c>: keeps runs of word characters and runs of other non-space characters (<c>\w+|[^\w\s]+</c>).</summary>
internal sealed partial class WhitespacePreTokenizer : PreTokenizerStep
{
    [GeneratedRegex(@"\w+|[^\w\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordsOrSymbols();

    public override void Split(Piece piece, List<Piece> output)
    {
        foreach (ValueMatch m in WordsOrSymbols().EnumerateMatches(piece.Text))
            output.Add(new Piece(piece.Text.Substring(m.Index, m.Length), piece.Offset + m.Index));
    }
}
