using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// The fast path for the usual byte-level pipeline, <c>Split(regex, Isolated)</c> then <c>ByteLevel</c> without its
/// own regex (Qwen, Llama 3), or <c>ByteLevel</c> with its GPT-2 regex: the regex runs over the text and each match
/// is looked up, as a span, in a cache keyed by the raw text, so a known word costs one lookup and no allocation.
/// It gives the same ids as the general pipeline; only words not yet seen are rewritten and merged.
/// Without a pre-tokenizer (SentencePiece-style BPE, the whole text one word) the text is cut before each run of
/// <c>▁</c> that follows another character, when no vocabulary token has a <c>▁</c> after another character: then no
/// merge can cross such a cut, so merging the parts apart gives the same ids as merging the whole.
/// </summary>
internal sealed class RegexWordPath
{
    private const int CacheCapacity = 200_000;
    private const int MaxCachedWordLength = 256;

    private const char Metaspace = '\u2581';

    private readonly Regex? _regex;
    private readonly bool _mapBytes;
    private readonly BpeModel _model;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _cacheCount;

    private RegexWordPath(Regex? regex, bool mapBytes, BpeModel model)
    {
        _regex = regex;
        _mapBytes = mapBytes;
        _model = model;
        _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The fast path for <paramref name="preTokenizer"/>, or null when it is not of the shape this handles.</summary>
    public static RegexWordPath? TryCreate(PreTokenizerStep? preTokenizer, BpeModel model)
    {
        IReadOnlyList<PreTokenizerStep> steps = preTokenizer is SequencePreTokenizer sequence ? sequence.Steps
            : preTokenizer is null ? [] : [preTokenizer];
        return steps switch
        {
            [SplitPreTokenizer { IsolatedRegex: { } regex }, ByteLevelPreTokenizer { OnlyMapsBytes: true }] => new RegexWordPath(regex, true, model),
            [SplitPreTokenizer { IsolatedRegex: { } regex }] => new RegexWordPath(regex, false, model),
            [ByteLevelPreTokenizer { SplitRegex: { } regex }] => new RegexWordPath(regex, true, model),
            [] when MetaspaceCutsAreSafe(model) => new RegexWordPath(null, false, model),
            _ => null,
        };
    }

    /// <summary>Appends the ids of <paramref name="text"/>; with <paramref name="spans"/>, each word's (start, length, first id index).</summary>
    public void Encode(string text, List<int> ids, List<(int Start, int Length, int FirstId)>? spans)
    {
        int at = 0;
        if (_regex is null)
        {
            for (int i = 1; i < text.Length; i++)
            {
                if (text[i] != Metaspace || text[i - 1] == Metaspace) continue;
                EncodeWord(text, at, i - at, ids, spans);
                at = i;
            }
            EncodeWord(text, at, text.Length - at, ids, spans);
            return;
        }
        foreach (ValueMatch m in _regex.EnumerateMatches(text))
        {
            if (m.Index > at) EncodeWord(text, at, m.Index - at, ids, spans); // text between matches is a piece too
            if (m.Length > 0) EncodeWord(text, m.Index, m.Length, ids, spans);
            at = m.Index + m.Length;
        }
        if (at < text.Length) EncodeWord(text, at, text.Length - at, ids, spans);
    }

    private static bool MetaspaceCutsAreSafe(BpeModel model)
    {
        if (!model.Vocabulary.ContainsKey(Metaspace.ToString())) return false;
        foreach (string token in model.Vocabulary.Keys)
        {
            for (int i = token.IndexOf(Metaspace, 1); i > 0; i = token.IndexOf(Metaspace, i + 1))
            {
                if (token[i - 1] != Metaspace) return false;
            }
        }
        return true;
    }

    private void EncodeWord(string text, int start, int length, List<int> ids, List<(int, int, int)>? spans)
    {
        spans?.Add((start, length, ids.Count));
        ReadOnlySpan<char> word = text.AsSpan(start, length);
        if (_lookup.TryGetValue(word, out int[]? cached))
        {
            ids.AddRange(cached);
            return;
        }
        string raw = word.ToString();
        int first = ids.Count;
        _model.EncodeWord(_mapBytes ? ByteLevelAlphabet.Encode(raw) : raw, ids);
        if (length <= MaxCachedWordLength && Volatile.Read(ref _cacheCount) < CacheCapacity
            && _cache.TryAdd(raw, ids.GetRange(first, ids.Count - first).ToArray()))
        {
            Interlocked.Increment(ref _cacheCount);
        }
    }
}
