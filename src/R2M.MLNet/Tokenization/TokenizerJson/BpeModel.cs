using System.Collections.Concurrent;
using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// The <c>BPE</c> model of a <c>tokenizer.json</c>: a word's characters become tokens (with
/// <c>continuing_subword_prefix</c> / <c>end_of_word_suffix</c>, <c>byte_fallback</c> to <c>&lt;0xNN&gt;</c> tokens or
/// <c>unk_token</c> for characters outside the vocabulary), then the adjacent pair of lowest merge rank is merged,
/// leftmost first, until no pair merges. With <c>ignore_merges</c> a word found whole in the vocabulary is one token.
/// Merges are looked up by (left id, right id); results are cached per word.
/// </summary>
internal sealed class BpeModel
{
    private const int CacheCapacity = 200_000;
    private const int MaxCachedWordLength = 256;
    private const int NaiveMergeLimit = 48;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<long, long> _merges; // (left << 32 | right) -> (rank << 32 | merged id)
    private readonly int[] _byteFallbackIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount; // ConcurrentDictionary.Count takes every lock: too slow to ask per word

    public BpeModel(Dictionary<string, int> vocab, Dictionary<long, long> merges, BpeOptionsRead options)
    {
        _vocab = vocab;
        _lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        Options = options;
        UnkId = options.UnkToken is { } unk && vocab.TryGetValue(unk, out int id) ? id : null;
        _byteFallbackIds = new int[256];
        for (int b = 0; b < 256; b++)
            _byteFallbackIds[b] = options.ByteFallback && vocab.TryGetValue($"<0x{b:X2}>", out int bid) ? bid : -1;
    }

    public BpeOptionsRead Options { get; }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    public int? UnkId { get; }

    /// <summary>Appends the ids of <paramref name="word"/> to <paramref name="output"/>.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (Options.IgnoreMerges && _vocab.TryGetValue(word, out int whole))
        {
            output.Add(whole);
            return;
        }
        if (word.Length <= MaxCachedWordLength && _cache.TryGetValue(word, out int[]? cached))
        {
            output.AddRange(cached);
            return;
        }
        int first = output.Count;
        EncodeUncached(word, output);
        if (word.Length <= MaxCachedWordLength && Volatile.Read(ref _cacheCount) < CacheCapacity
            && _cache.TryAdd(word, output.GetRange(first, output.Count - first).ToArray()))
        {
            Interlocked.Increment(ref _cacheCount);
        }
    }

    /// <summary>Appends the ids of <paramref name="word"/> without consulting or filling the cache.</summary>
    public void EncodeWord(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (Options.IgnoreMerges && _vocab.TryGetValue(word, out int whole)) output.Add(whole);
        else EncodeUncached(word, output);
    }

    private void EncodeUncached(string word, List<int> output)
    {
        var symbols = new List<int>(word.Length);
        string prefix = Options.ContinuingSubwordPrefix, suffix = Options.EndOfWordSuffix;
        Span<char> buffer = stackalloc char[2 + prefix.Length + suffix.Length];
        bool lastWasUnk = false;
        int i = 0;
        while (i < word.Length)
        {
            int length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            bool isFirst = i == 0, isLast = i + length == word.Length;
            scoped ReadOnlySpan<char> key;
            if ((isFirst || prefix.Length == 0) && (!isLast || suffix.Length == 0))
            {
                key = word.AsSpan(i, length);
            }
            else
            {
                int n = 0;
                if (!isFirst) { prefix.AsSpan().CopyTo(buffer); n = prefix.Length; }
                word.AsSpan(i, length).CopyTo(buffer[n..]);
                n += length;
                if (isLast) { suffix.AsSpan().CopyTo(buffer[n..]); n += suffix.Length; }
                key = buffer[..n];
            }

            if (_lookup.TryGetValue(key, out int id))
            {
                symbols.Add(id);
                lastWasUnk = false;
            }
            else if (!TryByteFallback(word.AsSpan(i, length), symbols))
            {
                if (UnkId is int unk && !(Options.FuseUnk && lastWasUnk)) symbols.Add(unk);
                lastWasUnk = UnkId is not null;
            }
            else
            {
                lastWasUnk = false;
            }
            i += length;
        }

        if (symbols.Count > 1)
        {
            if (symbols.Count <= NaiveMergeLimit) MergeNaive(symbols);
            else MergeWithQueue(symbols);
        }
        output.AddRange(symbols);
    }

    private bool TryByteFallback(ReadOnlySpan<char> character, List<int> symbols)
    {
        if (!Options.ByteFallback) return false;
        Span<byte> bytes = stackalloc byte[8];
        int count = Encoding.UTF8.GetBytes(character, bytes);
        for (int b = 0; b < count; b++) if (_byteFallbackIds[bytes[b]] < 0) return false;
        for (int b = 0; b < count; b++) symbols.Add(_byteFallbackIds[bytes[b]]);
        return true;
    }

    private bool TryMerge(int left, int right, out int rank, out int merged)
    {
        if (_merges.TryGetValue(((long)left << 32) | (uint)right, out long value))
        {
            rank = (int)(value >> 32);
            merged = (int)value;
            return true;
        }
        rank = merged = 0;
        return false;
    }

    /// <summary>Short words: scan for the lowest-ranked pair, merge it, repeat.</summary>
    private void MergeNaive(List<int> symbols)
    {
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue, bestAt = -1, bestMerged = 0;
            for (int k = 0; k + 1 < symbols.Count; k++)
            {
                if (TryMerge(symbols[k], symbols[k + 1], out int rank, out int merged) && rank < bestRank)
                {
                    bestRank = rank;
                    bestAt = k;
                    bestMerged = merged;
                }
            }
            if (bestAt < 0) return;
            symbols[bestAt] = bestMerged;
            symbols.RemoveAt(bestAt + 1);
        }
    }

    /// <summary>Long words: a priority queue of (rank, position) over a linked list of symbols.</summary>
    private void MergeWithQueue(List<int> symbols)
    {
        int n = symbols.Count;
        int[] ids = symbols.ToArray();
        int[] next = new int[n], prev = new int[n];
        for (int k = 0; k < n; k++) { next[k] = k + 1 < n ? k + 1 : -1; prev[k] = k - 1; }
        var alive = new bool[n];
        Array.Fill(alive, true);
        var queue = new PriorityQueue<int, long>();
        void Push(int left)
        {
            if (left >= 0 && next[left] >= 0 && TryMerge(ids[left], ids[next[left]], out int rank, out _))
                queue.Enqueue(left, ((long)rank << 32) | (uint)left);
        }
        for (int k = 0; k + 1 < n; k++) Push(k);
        while (queue.TryDequeue(out int at, out long priority))
        {
            int right = next[at];
            if (!alive[at] || right < 0 || !TryMerge(ids[at], ids[right], out int rank, out int merged) || rank != (int)(priority >> 32))
                continue; // stale entry
            ids[at] = merged;
            alive[right] = false;
            next[at] = next[right];
            if (next[right] >= 0) prev[next[right]] = at;
            Push(prev[at]);
            Push(at);
        }
        symbols.Clear();
        for (int k = 0; k >= 0; k = next[k]) symbols.Add(ids[k]);
    }
}
