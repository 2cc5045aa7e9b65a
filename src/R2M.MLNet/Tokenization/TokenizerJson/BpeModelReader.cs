using System.Text.Json;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Reads the <c>model</c> object of type <c>BPE</c>: <c>vocab</c> (token → id), <c>merges</c> in either form
/// (<c>"a b"</c> or <c>["a", "b"]</c>), and the options. Every merge's parts and result must be in the vocabulary.
/// </summary>
internal static class BpeModelReader
{
    // Runs once per load over up to millions of entries: compiled fully optimized at once rather than tiered.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static BpeModel Read(JsonElement model, string path, TokenizerJsonLimits limits)
    {
        if (JsonRead.Optional(model, "dropout") is { } dropout && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
            throw new TokenizerJsonException(JsonRead.Path(path, "dropout"), $"= {dropout.GetRawText()} is not supported (BPE dropout is for training; expected null)");
        var options = new BpeOptionsRead(
            UnkToken: JsonRead.OptionalString(model, path, "unk_token", limits.MaxStringLength),
            ContinuingSubwordPrefix: JsonRead.OptionalString(model, path, "continuing_subword_prefix", limits.MaxStringLength) ?? "",
            EndOfWordSuffix: JsonRead.OptionalString(model, path, "end_of_word_suffix", limits.MaxStringLength) ?? "",
            FuseUnk: JsonRead.Bool(model, path, "fuse_unk", false),
            ByteFallback: JsonRead.Bool(model, path, "byte_fallback", false),
            IgnoreMerges: JsonRead.Bool(model, path, "ignore_merges", false));

        string vocabPath = JsonRead.Path(path, "vocab");
        JsonElement vocabJson = JsonRead.Object(JsonRead.Required(model, path, "vocab"), vocabPath);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in vocabJson.EnumerateObject())
        {
            if (vocab.Count >= limits.MaxVocabularySize)
                throw new TokenizerJsonException(vocabPath, $"has more than {limits.MaxVocabularySize:N0} entries (TokenizerJsonLimits.MaxVocabularySize)");
            if (entry.Name.Length > limits.MaxStringLength)
                throw new TokenizerJsonException(vocabPath, $"a token is {entry.Name.Length} characters long; the limit is {limits.MaxStringLength}");
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw new TokenizerJsonException($"{vocabPath}[\"{Shorten(entry.Name)}\"]", $"expected an integer ≥ 0, found {entry.Value.GetRawText()}");
            vocab[entry.Name] = id;
        }

        var merges = new Dictionary<long, long>(PairKeyComparer.Instance);
        if (JsonRead.Optional(model, "merges") is { } mergesJson)
        {
            string mergesPath = JsonRead.Path(path, "merges");
            JsonRead.Array(mergesJson, mergesPath);
            int count = mergesJson.GetArrayLength();
            if (count > limits.MaxMerges)
                throw new TokenizerJsonException(mergesPath, $"has {count:N0} entries; the limit is {limits.MaxMerges:N0} (TokenizerJsonLimits.MaxMerges)");
            merges.EnsureCapacity(count);
            var lookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
            int prefixLength = options.ContinuingSubwordPrefix.Length;
            int rank = 0;
            Span<char> buffer = stackalloc char[2 * limits.MaxStringLength];
            foreach (JsonElement merge in mergesJson.EnumerateArray())
            {
                (string left, string right) = ReadPair(merge, mergesPath, rank);
                if (right.Length < prefixLength)
                    throw new TokenizerJsonException($"{mergesPath}[{rank}]", $"\"{right}\" is shorter than the continuing_subword_prefix");
                if (!vocab.TryGetValue(left, out int leftId) || !vocab.TryGetValue(right, out int rightId))
                    throw new TokenizerJsonException($"{mergesPath}[{rank}]", $"\"{Shorten(vocab.ContainsKey(left) ? right : left)}\" is not in model.vocab");
                left.AsSpan().CopyTo(buffer);
                right.AsSpan(prefixLength).CopyTo(buffer[left.Length..]);
                ReadOnlySpan<char> mergedText = buffer[..(left.Length + right.Length - prefixLength)];
                if (!lookup.TryGetValue(mergedText, out int mergedId))
                    throw new TokenizerJsonException($"{mergesPath}[{rank}]", $"the merged token \"{Shorten(mergedText.ToString())}\" is not in model.vocab");
                merges[((long)leftId << 32) | (uint)rightId] = ((long)rank << 32) | (uint)mergedId;
                rank++;
            }
        }
        return new BpeModel(vocab, merges, options);
    }

    private static (string Left, string Right) ReadPair(JsonElement merge, string mergesPath, int rank)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            string line = merge.GetString()!;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
                throw new TokenizerJsonException($"{mergesPath}[{rank}]", $"expected \"left right\" (two tokens, one space), found \"{Shorten(line)}\"");
            return (line[..space], line[(space + 1)..]);
        }
        if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
            && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
        {
            return (merge[0].GetString()!, merge[1].GetString()!);
        }
        throw new TokenizerJsonException($"{mergesPath}[{rank}]", $"expected \"left right\" or [\"left\", \"right\"], found {Shorten(merge.GetRawText())}");
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
