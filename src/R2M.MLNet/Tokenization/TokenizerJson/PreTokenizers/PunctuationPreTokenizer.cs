using System.Globalization;
using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Punctuation</c>: each punctuation character (ASCII punctuation or a Unicode P* category) is a delimiter.</summary>
internal sealed class PunctuationPreTokenizer(SplitBehavior behavior) : PreTokenizerStep
{
    private static readonly Func<Rune, bool> IsPunctuation = r =>
        (r.IsAscii && char.IsAsciiLetterOrDigit((char)r.Value) is false && r.Value is > 0x20 and < 0x7F)
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    public override void Split(Piece piece, List<Piece> output)
    {
        var matches = new List<(int, int)>();
        Segmenter.CharMatches(piece.Text, IsPunctuation, matches);
        Segmenter.Apply(piece, matches, behavior, invert: false, output);
    }
}
