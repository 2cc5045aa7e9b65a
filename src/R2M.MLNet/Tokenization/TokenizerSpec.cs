namespace R2M.MLNet.Tokenization;

/// <summary>
/// How to rebuild a tokenizer, so a saved model carries its own: the byte-level or GPT-2 tokenizer by name,
/// or the files of a HuggingFace model folder's tokenizer.
/// </summary>
public sealed class TokenizerSpec
{
    private static readonly string[] HuggingFaceFiles =
        ["vocab.json", "merges.txt", "tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "config.json"];

    private TokenizerSpec(string kind, IReadOnlyDictionary<string, byte[]> files)
    {
        Kind = kind;
        Files = files;
    }

    /// <summary>"byte-level", "gpt2-bpe" or "huggingface".</summary>
    public string Kind { get; }

    /// <summary>Tokenizer files by name (HuggingFace kind only).</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>The byte-level tokenizer (256 bytes + PAD, BOS, EOS).</summary>
    public static TokenizerSpec ByteLevel { get; } = new("byte-level", new Dictionary<string, byte[]>());

    /// <summary>GPT-2's BPE from Microsoft.ML.Tokenizers' data package.</summary>
    public static TokenizerSpec Gpt2 { get; } = new("gpt2-bpe", new Dictionary<string, byte[]>());

    /// <summary>The tokenizer files of a HuggingFace model folder, read now.</summary>
    public static TokenizerSpec FromHuggingFaceFolder(string folder)
    {
        var files = HuggingFaceFiles.Where(f => File.Exists(Path.Combine(folder, f)))
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)), StringComparer.Ordinal);
        var spec = new TokenizerSpec("huggingface", files);
        spec.Create(); // fail now, with the loader's message, rather than at save or load time
        return spec;
    }

    /// <summary>A spec of a known kind with its files (used when reading a saved model).</summary>
    public static TokenizerSpec FromParts(string kind, IReadOnlyDictionary<string, byte[]> files) => kind switch
    {
        "byte-level" => ByteLevel,
        "gpt2-bpe" => Gpt2,
        "huggingface" => new TokenizerSpec(kind, files),
        _ => throw new InvalidDataException($"Unknown tokenizer kind '{kind}'; known: byte-level, gpt2-bpe, huggingface."),
    };

    /// <summary>Builds the tokenizer.</summary>
    public ITextTokenizer Create()
    {
        switch (Kind)
        {
            case "byte-level": return new ByteLevelTokenizer();
            case "gpt2-bpe": return new Gpt2BpeTokenizer();
            default:
                string temp = Path.Combine(Path.GetTempPath(), $"r2m-tokenizer-{Guid.NewGuid():N}");
                Directory.CreateDirectory(temp);
                try
                {
                    foreach (var (name, bytes) in Files) File.WriteAllBytes(Path.Combine(temp, name), bytes);
                    return HuggingFaceTokenizerLoader.Load(temp);
                }
                finally
                {
                    Directory.Delete(temp, recursive: true);
                }
        }
    }
}
