using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization;

/// <summary>
/// An <see cref="ITextTokenizer"/> over a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> whose special ids were
/// resolved elsewhere (from a model folder's configuration files). Decoding drops BOS, EOS and PAD.
/// </summary>
internal sealed class LibraryTokenizerAdapter : ITextTokenizer
{
    private readonly Tokenizer _inner;
    private readonly HashSet<int> _dropped;

    public LibraryTokenizerAdapter(Tokenizer inner, int vocabSize, int? bosId, int? bosTokenIdToDrop, int eosId, int padId)
    {
        _inner = inner;
        VocabSize = vocabSize;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        _dropped = [eosId, padId];
        if (bosTokenIdToDrop is int bos) _dropped.Add(bos);
    }

    public int VocabSize { get; }

    public int? BosId { get; }

    public int EosId { get; }

    public int PadId { get; }

    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _inner.EncodeToIds(text);
    }

    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _inner.Decode(ids.Where(id => !_dropped.Contains(id)));
    }
}
