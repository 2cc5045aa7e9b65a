using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>NFC</c>, <c>NFD</c>, <c>NFKC</c>, <c>NFKD</c>: Unicode normalization forms.</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : TextNormalizer
{
    public NormalizationForm Form { get; } = form;

    public override string Normalize(string original) =>
        original.IsNormalized(Form) ? original : original.Normalize(Form);
}
