using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>ByteLevel</c>: the tokens' byte-alphabet characters back to bytes, read as UTF-8 (invalid bytes become U+FFFD).</summary>
internal sealed class ByteLevelDecoder : DecoderStep
{
    public override void Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (string token in tokens) ByteLevelAlphabet.AppendBytes(token, bytes);
        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
    }
}
