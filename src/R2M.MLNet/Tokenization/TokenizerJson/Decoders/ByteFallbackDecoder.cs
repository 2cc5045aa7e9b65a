using System.Globalization;
using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// <c>ByteFallback</c>: each run of <c>&lt;0xNN&gt;</c> tokens becomes the text its bytes spell in UTF-8; a run that is
/// not valid UTF-8 becomes one U+FFFD per byte. Other tokens are kept.
/// </summary>
internal sealed class ByteFallbackDecoder : DecoderStep
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override void Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            if (TryParseByte(token, out byte b))
            {
                bytes.Add(b);
                continue;
            }
            Flush(bytes, result);
            result.Add(token);
        }
        Flush(bytes, result);
        tokens.Clear();
        tokens.AddRange(result);
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0) return;
        try
        {
            result.Add(Strict.GetString(bytes.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (int i = 0; i < bytes.Count; i++) result.Add("\uFFFD");
        }
        bytes.Clear();
    }

    private static bool TryParseByte(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
