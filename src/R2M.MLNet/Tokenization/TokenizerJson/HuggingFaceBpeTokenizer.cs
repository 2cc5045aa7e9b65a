using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// A Microsoft.ML.Tokenizers <see cref="Tokenizer"/> for a HuggingFace <c>tokenizer.json</c> with a <c>BPE</c> model
/// (Llama 3, Qwen2/2.5/3, Mistral, Llama 2-style SentencePiece BPE), driven by the file's own pipeline: added tokens
/// are split out first, then each remaining stretch is normalized, pre-tokenized and run through BPE; the
/// post-processor adds special tokens when asked; the decoder turns ids back into text. Build it with
/// <see cref="TokenizerJsonLoader"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Token offsets (<see cref="EncodedToken.Offset"/>) are exact for added tokens; a model token carries the span of
/// the pre-token it came from (normalization does not track alignments).
/// </remarks>
public sealed class HuggingFaceBpeTokenizer : Tokenizer
{
    private readonly TextNormalizer? _normalizer;
    private readonly PreTokenizerStep? _preTokenizer;
    private readonly RegexWordPath? _fastPath;
    private readonly BpeModel _model;
    private readonly AddedTokenSplitter? _rawAdded;
    private readonly AddedTokenSplitter? _normalizedAdded;
    private readonly PostProcessorStep? _postProcessor;
    private readonly DecoderStep? _decoder;
    private readonly string?[] _idToToken;
    private readonly HashSet<int> _specialIds;

    internal HuggingFaceBpeTokenizer(TextNormalizer? normalizer, PreTokenizerStep? preTokenizer, BpeModel model,
        IReadOnlyList<AddedToken> addedTokens, PostProcessorStep? postProcessor, DecoderStep? decoder, bool addSpecialTokens)
    {
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _model = model;
        _postProcessor = postProcessor;
        _decoder = decoder;
        AddedTokens = addedTokens;
        AddSpecialTokens = addSpecialTokens;
        _rawAdded = AddedTokenSplitter.Create(addedTokens.Where(t => !t.Normalized));
        _normalizedAdded = AddedTokenSplitter.Create(addedTokens.Where(t => t.Normalized), normalizer is null ? null : normalizer.Normalize);
        _fastPath = RegexWordPath.TryCreate(preTokenizer, model);
        _specialIds = addedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();

        int maxId = Math.Max(model.Vocabulary.Count == 0 ? -1 : model.Vocabulary.Values.Max(),
            addedTokens.Count == 0 ? -1 : addedTokens.Max(t => t.Id));
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in model.Vocabulary) _idToToken[id] = token;
        foreach (AddedToken token in addedTokens) _idToToken[token.Id] = token.Content;
        var ids = new Dictionary<string, int>(model.Vocabulary, StringComparer.Ordinal);
        foreach (AddedToken token in addedTokens) ids[token.Content] = token.Id;
        TokenToIdMap = ids;
    }

    /// <summary>Whether the ML.NET encode methods add the post-processor's special tokens (e.g. a BOS).</summary>
    public bool AddSpecialTokens { get; }

    /// <summary>The added tokens of the file (chat markers, BOS/EOS, reserved tokens).</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Every token's id: the model's vocabulary and the added tokens.</summary>
    public IReadOnlyDictionary<string, int> TokenToIdMap { get; }

    /// <summary>Number of ids (largest id + 1).</summary>
    public int IdCount => _idToToken.Length;

    /// <summary>The ids the post-processor puts before and after a sequence (empty when there is no post-processor).</summary>
    public (IReadOnlyList<int> Before, IReadOnlyList<int> After) SpecialTokensAround
    {
        get
        {
            var probe = new List<int> { -1 };
            _postProcessor?.Apply(probe);
            int at = probe.IndexOf(-1);
            return (probe.GetRange(0, at), probe.GetRange(at + 1, probe.Count - at - 1));
        }
    }

    /// <inheritdoc />
    public override Normalizer? Normalizer => _normalizer;

    /// <summary>The token with <paramref name="id"/>, or null.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>Encodes <paramref name="text"/>; with <paramref name="addSpecialTokens"/> the post-processor adds its tokens.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        EncodeCore(text, normalize: true, preTokenize: true, ids, tokens: null);
        if (addSpecialTokens) _postProcessor?.Apply(ids);
        return ids;
    }

    /// <summary>Decodes <paramref name="ids"/> through the file's decoder; unknown ids are skipped.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Drop the added tokens marked special.</param>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (IdToToken(id) is not string token || (skipSpecialTokens && _specialIds.Contains(id))) continue;
            tokens.Add(token);
        }
        if (_decoder is null) return string.Join(' ', tokens);
        _decoder.Decode(tokens);
        return string.Concat(tokens);
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>
    /// Decodes into <paramref name="destination"/>: all of the ids when the text fits, otherwise nothing
    /// (<see cref="OperationStatus.DestinationTooSmall"/> with nothing consumed; a byte-level token may hold part of a character).
    /// </summary>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        var list = ids as IReadOnlyList<int> ?? ids.ToList();
        string text = Decode(list, skipSpecialTokens: false);
        if (text.Length > destination.Length)
        {
            idsConsumed = charsWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }
        text.CopyTo(destination);
        idsConsumed = list.Count;
        charsWritten = text.Length;
        return OperationStatus.Done;
    }

    /// <inheritdoc />
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        string input = text ?? textSpan.ToString();
        var ids = new List<int>();
        var tokens = new List<EncodedToken>();
        EncodeCore(input, settings.ConsiderNormalization, settings.ConsiderPreTokenization, ids, tokens);
        if (AddSpecialTokens && _postProcessor is not null)
        {
            var (before, after) = SpecialTokensAround;
            tokens.InsertRange(0, before.Select(id => new EncodedToken(id, IdToToken(id) ?? "", new Range(0, 0))));
            tokens.AddRange(after.Select(id => new EncodedToken(id, IdToToken(id) ?? "", new Range(input.Length, input.Length))));
        }
        int consumed = input.Length;
        if (settings.MaxTokenCount < tokens.Count)
        {
            tokens.RemoveRange(settings.MaxTokenCount, tokens.Count - settings.MaxTokenCount);
            consumed = tokens.Count == 0 ? 0 : tokens[^1].Offset.End.GetOffset(input.Length);
        }
        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = consumed };
    }

    /// <inheritdoc />
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        if (settings.MaxTokenCount != int.MaxValue)
        {
            var tokens = EncodeToTokens(text, textSpan, settings);
            return new EncodeResults<int> { Tokens = tokens.Tokens.Select(t => t.Id).ToList(), NormalizedText = null, CharsConsumed = tokens.CharsConsumed };
        }
        string input = text ?? textSpan.ToString();
        var ids = new List<int>();
        EncodeCore(input, settings.ConsiderNormalization, settings.ConsiderPreTokenization, ids, tokens: null);
        if (AddSpecialTokens) _postProcessor?.Apply(ids);
        return new EncodeResults<int> { Tokens = ids, NormalizedText = null, CharsConsumed = input.Length };
    }

    private void EncodeCore(string text, bool normalize, bool preTokenize, List<int> ids, List<EncodedToken>? tokens)
    {
        var raw = new List<TextSegment>();
        if (_rawAdded is null) raw.Add(new TextSegment(text, 0, -1));
        else _rawAdded.Split(text, 0, raw);

        var pieces = new List<Piece>();
        var split = new List<Piece>();
        var normalizedSegments = new List<TextSegment>();
        foreach (TextSegment segment in raw)
        {
            if (segment.IsAdded)
            {
                Emit(segment.AddedId, segment.Offset, segment.Text.Length);
                continue;
            }
            if (segment.Text.Length == 0) continue;
            string normalized = normalize && _normalizer is not null ? _normalizer.Normalize(segment.Text) : segment.Text;
            normalizedSegments.Clear();
            if (_normalizedAdded is null) normalizedSegments.Add(segment with { Text = normalized });
            else _normalizedAdded.Split(normalized, segment.Offset, normalizedSegments);
            foreach (TextSegment part in normalizedSegments)
            {
                if (part.IsAdded)
                {
                    Emit(part.AddedId, part.Offset, part.Text.Length);
                    continue;
                }
                if (part.Text.Length == 0) continue;
                if (preTokenize && _fastPath is not null)
                {
                    EncodeFast(part, text.Length, ids, tokens);
                    continue;
                }
                pieces.Clear();
                pieces.Add(new Piece(part.Text, part.Offset));
                List<Piece> words = pieces;
                if (preTokenize && _preTokenizer is not null)
                {
                    split.Clear();
                    _preTokenizer.SplitAll(pieces, split);
                    words = split;
                }
                foreach (Piece word in words)
                {
                    int first = ids.Count;
                    _model.Encode(word.Text, ids);
                    if (tokens is null) continue;
                    int start = Math.Min(word.Offset, text.Length), end = Math.Min(word.Offset + word.Text.Length, text.Length);
                    for (int k = first; k < ids.Count; k++) tokens.Add(new EncodedToken(ids[k], IdToToken(ids[k]) ?? "", new Range(start, end)));
                }
            }
        }

        void Emit(int id, int offset, int length)
        {
            ids.Add(id);
            tokens?.Add(new EncodedToken(id, IdToToken(id) ?? "", new Range(Math.Min(offset, text.Length), Math.Min(offset + length, text.Length))));
        }
    }

    private void EncodeFast(TextSegment part, int textLength, List<int> ids, List<EncodedToken>? tokens)
    {
        if (tokens is null)
        {
            _fastPath!.Encode(part.Text, ids, spans: null);
            return;
        }
        var spans = new List<(int Start, int Length, int FirstId)>();
        _fastPath!.Encode(part.Text, ids, spans);
        for (int w = 0; w < spans.Count; w++)
        {
            int end = w + 1 < spans.Count ? spans[w + 1].FirstId : ids.Count;
            int start = Math.Min(part.Offset + spans[w].Start, textLength), stop = Math.Min(part.Offset + spans[w].Start + spans[w].Length, textLength);
            for (int k = spans[w].FirstId; k < end; k++) tokens.Add(new EncodedToken(ids[k], IdToToken(ids[k]) ?? "", new Range(start, stop)));
        }
    }
}
