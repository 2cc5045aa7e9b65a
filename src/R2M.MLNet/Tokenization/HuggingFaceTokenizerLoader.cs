using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization;

/// <summary>
/// Loads the tokenizer that ships with a HuggingFace model folder: <c>tokenizer.json</c> (BPE through R2M's own
/// pipeline, Unigram through Microsoft.ML.Tokenizers), else byte-level BPE from <c>vocab.json</c> + <c>merges.txt</c>
/// (GPT-2, Qwen2) or SentencePiece from <c>tokenizer.model</c> (Llama). Special tokens come from <c>tokenizer_config.json</c>, then
/// <c>special_tokens_map.json</c>, then the ids in <c>config.json</c>; PAD falls back to EOS.
/// Everything is read from the folder; nothing touches the network.
/// </summary>
public static partial class HuggingFaceTokenizerLoader
{
    /// <summary>Vocabulary file of the byte-level BPE form.</summary>
    public const string VocabFile = "vocab.json";

    /// <summary>Merge list of the byte-level BPE form.</summary>
    public const string MergesFile = "merges.txt";

    /// <summary>SentencePiece model file (Llama form).</summary>
    public const string SentencePieceFile = "tokenizer.model";

    /// <summary>GPT-2's pre-tokenizer pattern, used when tokenizer.json does not name another one.</summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>
    /// Loads the tokenizer of <paramref name="modelFolder"/>: tokenizer.json when it has a model, else BPE
    /// (vocab.json + merges.txt), else SentencePiece (tokenizer.model).
    /// <see cref="ITextTokenizer.BosId"/> is set only when the tokenizer prepends BOS: <c>add_bos_token</c> in
    /// tokenizer_config.json, defaulting to whether tokenizer.json's post-processor adds it, to true for
    /// SentencePiece and to false for byte-level BPE.
    /// </summary>
    /// <param name="modelFolder">A folder holding a HuggingFace model's tokenizer files.</param>
    /// <returns>The tokenizer, with BOS/EOS/PAD resolved.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelFolder"/> is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="TokenizerLoadException">
    /// No supported tokenizer file, a malformed file, or a special token (EOS in particular) that cannot be resolved.
    /// </exception>
    public static ITextTokenizer Load(string modelFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        string folder = Path.GetFullPath(modelFolder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Model folder not found: {folder}");

        HuggingFaceTokenizerFiles files = HuggingFaceTokenizerFiles.Read(folder);
        if (files.TokenizerJsonHasModel)
            return LoadTokenizerJson(folder, files);
        if (File.Exists(Path.Combine(folder, VocabFile)) && File.Exists(Path.Combine(folder, MergesFile)))
            return LoadByteLevelBpe(folder, files);
        if (File.Exists(Path.Combine(folder, SentencePieceFile)))
            return LoadSentencePiece(folder, files);

        string tokenizerJsonNote = File.Exists(Path.Combine(folder, HuggingFaceTokenizerFiles.TokenizerJson))
            ? $" Its {HuggingFaceTokenizerFiles.TokenizerJson} has no \"model\"."
            : "";
        throw new TokenizerLoadException(
            $"No supported tokenizer in {folder}. Looked for {HuggingFaceTokenizerFiles.TokenizerJson} (with a BPE or Unigram model), " +
            $"{VocabFile} + {MergesFile} (byte-level BPE, GPT-2/Qwen2 form) and {SentencePieceFile} (SentencePiece, Llama form).{tokenizerJsonNote}",
            folder);
    }

    private static ITextTokenizer LoadByteLevelBpe(string folder, HuggingFaceTokenizerFiles files)
    {
        string vocabPath = Path.Combine(folder, VocabFile);
        string mergesPath = Path.Combine(folder, MergesFile);
        Dictionary<string, int> vocab;
        List<string> merges;
        try
        {
            using (FileStream stream = File.OpenRead(vocabPath))
            {
                vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
                    ?? throw new TokenizerLoadException($"{vocabPath}: expected a JSON object of token to id, found null.", folder);
            }
            merges = File.ReadLines(mergesPath)
                .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"Could not read {vocabPath} or {mergesPath}: {e.Message}", folder, e);
        }

        // Like transformers, the named special tokens are matched whole in the text even when only vocab.json lists them.
        var added = new Dictionary<string, int>(files.AddedTokens, StringComparer.Ordinal);
        foreach (string role in new[] { "bos", "eos", "pad", "unk" })
        {
            if (files.TokenText(role) is var (token, _, _) && !added.ContainsKey(token) && vocab.TryGetValue(token, out int id))
                added[token] = id;
        }
        IReadOnlyDictionary<string, int>? special = added.Count > 0 ? added : null;
        string pattern = files.PreTokenizerPattern ?? Gpt2Pattern;
        Tokenizer tokenizer;
        try
        {
            var regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
            tokenizer = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                ByteLevel = true,
                PreTokenizer = new RegexPreTokenizer(regex, special),
                SpecialTokens = special,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new TokenizerLoadException(
                $"Microsoft.ML.Tokenizers rejected the byte-level BPE in {folder} ({VocabFile}, {MergesFile}, pre-tokenizer pattern " +
                $"{(files.PreTokenizerPattern is null ? "GPT-2's" : "from " + HuggingFaceTokenizerFiles.TokenizerJson)}): {e.Message}",
                folder, e);
        }

        int? Lookup(string token) =>
            added.TryGetValue(token, out int id) || vocab.TryGetValue(token, out id) ? id : null;
        int maxId = Math.Max(vocab.Count == 0 ? -1 : vocab.Values.Max(), added.Count == 0 ? -1 : added.Values.Max());
        return Build(folder, files, tokenizer, Lookup, maxId, VocabFile, modelIds: null, addBosDefault: _ => false);
    }

    private static ITextTokenizer LoadSentencePiece(string folder, HuggingFaceTokenizerFiles files)
    {
        string modelPath = Path.Combine(folder, SentencePieceFile);
        SentencePieceTokenizer tokenizer;
        try
        {
            tokenizer = CreateLlama(modelPath, extra: null);
            var extra = files.AddedTokens.Where(kv => !tokenizer.Vocabulary.ContainsKey(kv.Key))
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            if (extra.Count > 0) tokenizer = CreateLlama(modelPath, extra);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException
                                      or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new TokenizerLoadException($"Could not load the SentencePiece model {modelPath}: {e.Message}", folder, e);
        }

        IReadOnlyDictionary<string, int> vocabulary = tokenizer.Vocabulary;
        int? Lookup(string token) =>
            files.AddedTokens.TryGetValue(token, out int id) || vocabulary.TryGetValue(token, out id) ? id : null;
        int maxId = Math.Max(vocabulary.Count == 0 ? -1 : vocabulary.Values.Max(),
            files.AddedTokens.Count == 0 ? -1 : files.AddedTokens.Values.Max());
        var modelIds = (Bos: tokenizer.BeginningOfSentenceId, Eos: tokenizer.EndOfSentenceId);
        return Build(folder, files, tokenizer, Lookup, maxId, SentencePieceFile, modelIds, addBosDefault: _ => true);
    }

    private static SentencePieceTokenizer CreateLlama(string modelPath, IReadOnlyDictionary<string, int>? extra)
    {
        using FileStream stream = File.OpenRead(modelPath);
        return LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false, specialTokens: extra);
    }

    private static ITextTokenizer Build(string folder, HuggingFaceTokenizerFiles files, Tokenizer tokenizer,
        Func<string, int?> lookup, int maxId, string vocabularyFile, (int Bos, int Eos)? modelIds, Func<int?, bool> addBosDefault)
    {
        int? bos = Resolve("bos", folder, files, lookup, vocabularyFile, modelIds?.Bos);
        int? eos = Resolve("eos", folder, files, lookup, vocabularyFile, modelIds?.Eos);
        int? pad = Resolve("pad", folder, files, lookup, vocabularyFile, modelId: null);
        if (eos is null)
        {
            string consulted = $"{HuggingFaceTokenizerFiles.TokenizerConfig} (\"eos_token\"), " +
                               $"{HuggingFaceTokenizerFiles.SpecialTokensMap} (\"eos_token\"), " +
                               $"{HuggingFaceTokenizerFiles.ModelConfig} (\"eos_token_id\")" +
                               (modelIds is null ? "" : $", {vocabularyFile} (its eos id)");
            string present = files.Present.Count == 0 ? "none of them exists" : "present: " + string.Join(", ", files.Present);
            throw new TokenizerLoadException(
                $"No end-of-sequence token for the tokenizer in {folder}. Consulted {consulted}; {present}. " +
                "Add \"eos_token\" to tokenizer_config.json or \"eos_token_id\" to config.json.",
                folder);
        }

        bool addBos = files.TokenizerConfigFlag("add_bos_token") ?? addBosDefault(bos);
        if (addBos && bos is null)
        {
            throw new TokenizerLoadException(
                $"{Path.Combine(folder, HuggingFaceTokenizerFiles.TokenizerConfig)} asks for a BOS token (\"add_bos_token\") " +
                $"but none is named in {HuggingFaceTokenizerFiles.TokenizerConfig}, {HuggingFaceTokenizerFiles.SpecialTokensMap} " +
                $"or {HuggingFaceTokenizerFiles.ModelConfig}.",
                folder);
        }

        int padId = pad ?? eos.Value;
        int vocabSize = Math.Max(maxId, Math.Max(eos.Value, Math.Max(padId, bos ?? -1))) + 1;
        return new LibraryTokenizerAdapter(tokenizer, vocabSize, addBos ? bos : null, bos, eos.Value, padId);
    }

    private static int? Resolve(string role, string folder, HuggingFaceTokenizerFiles files, Func<string, int?> lookup,
        string vocabularyFile, int? modelId)
    {
        if (files.TokenText(role) is var (token, file, field))
        {
            return lookup(token) ?? throw new TokenizerLoadException(
                $"{Path.Combine(folder, file)}: field \"{field}\" names \"{token}\", which is neither an added token " +
                $"nor in {vocabularyFile}.",
                folder);
        }
        if (files.ConfigTokenId(role) is int id) return id;
        return modelId is >= 0 ? modelId : null;
    }
}
