using System.Text;

namespace R2M.Tests.Tokenization;

/// <summary>
/// Writes a tiny SentencePiece BPE model (the protobuf ModelProto that tokenizer.model files hold) by hand.
/// Pieces: 0 &lt;unk&gt;, 1 &lt;s&gt;, 2 &lt;/s&gt;, 3 ▁, 4 h, 5 i, 6 ▁h, 7 ▁hi. A BPE SentencePiece model merges the
/// adjacent pair whose concatenation is the highest-scoring piece, so "hi" (read as "▁hi") becomes ▁h+i, then ▁hi.
/// </summary>
internal static class TinySentencePieceModel
{
    public const int Unk = 0, Bos = 1, Eos = 2, SpaceHi = 7;

    private const int Normal = 1, Unknown = 2, Control = 3;

    public static byte[] Bytes()
    {
        var model = new List<byte>();
        (string Piece, float Score, int Type)[] pieces =
        [
            ("<unk>", 0f, Unknown), ("<s>", 0f, Control), ("</s>", 0f, Control),
            ("▁", -1f, Normal), ("h", -2f, Normal), ("i", -3f, Normal), ("▁h", -4f, Normal), ("▁hi", -5f, Normal),
        ];
        foreach (var (piece, score, type) in pieces)
        {
            var p = new List<byte>();
            String(p, 1, piece);
            Float(p, 2, score);
            Varint(p, 3, type);
            Message(model, 1, p);
        }

        var trainer = new List<byte>();
        Varint(trainer, 3, 2);          // model_type = BPE
        Varint(trainer, 4, pieces.Length);
        Varint(trainer, 40, Unk);
        Varint(trainer, 41, Bos);
        Varint(trainer, 42, Eos);
        Message(model, 2, trainer);

        var normalizer = new List<byte>();
        String(normalizer, 1, "identity");
        Varint(normalizer, 3, 1);       // add_dummy_prefix
        Varint(normalizer, 4, 0);       // remove_extra_whitespaces
        Varint(normalizer, 5, 1);       // escape_whitespaces
        Message(model, 3, normalizer);
        return model.ToArray();
    }

    private static void Tag(List<byte> o, int field, int wireType) => Raw(o, (ulong)((field << 3) | wireType));

    private static void Raw(List<byte> o, ulong value)
    {
        while (value >= 0x80) { o.Add((byte)(value | 0x80)); value >>= 7; }
        o.Add((byte)value);
    }

    private static void Varint(List<byte> o, int field, int value) { Tag(o, field, 0); Raw(o, (ulong)value); }

    private static void Float(List<byte> o, int field, float value) { Tag(o, field, 5); o.AddRange(BitConverter.GetBytes(value)); }

    private static void String(List<byte> o, int field, string value) => Bytes(o, field, Encoding.UTF8.GetBytes(value));

    private static void Message(List<byte> o, int field, List<byte> body) => Bytes(o, field, body.ToArray());

    private static void Bytes(List<byte> o, int field, byte[] body) { Tag(o, field, 2); Raw(o, (ulong)body.Length); o.AddRange(body); }
}
