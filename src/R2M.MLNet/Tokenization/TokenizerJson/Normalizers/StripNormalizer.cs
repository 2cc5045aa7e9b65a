namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Strip</c>: removes white space on the left (<c>strip_left</c>) and/or right (<c>strip_right</c>).</summary>
internal sealed class StripNormalizer(bool left, bool right) : TextNormalizer
{
    public override string Normalize(string original) =>
        left && right ? original.Trim() : left ? original.TrimStart() : right ? original.TrimEnd() : original;
}
