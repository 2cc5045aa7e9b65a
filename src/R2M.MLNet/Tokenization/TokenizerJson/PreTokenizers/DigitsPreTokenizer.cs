using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Digits</c>: numbers apart from the rest; with <c>individual_digits</c>, each digit apart.</summary>
internal sealed class DigitsPreTokenizer(bool individualDigits) : PreTokenizerStep
{
    private static readonly Func<Rune, bool> IsNumber = Rune.IsNumber;

    public override void Split(Piece piece, List<Piece> output)
    {
        var matches = new List<(int, int)>();
        Segmenter.CharMatches(piece.Text, IsNumber, matches);
        Segmenter.Apply(piece, matches, individualDigits ? SplitBehavior.Isolated : SplitBehavior.Contiguous, invert: false, output);
    }
}
