using R2M.MLNet.Tokenization;
using R2M.Tests.Infrastructure;
using static R2M.Tests.Tokenization.TinyByteLevelBpe;

namespace R2M.Tests.Tokenization;

public class HuggingFaceTokenizerLoaderTests
{
    private const string EosOnly = """{"eos_token": "<|endoftext|>"}""";

    [Fact]
    public void Byte_level_bpe_applies_the_merges_in_rank_order()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), EosOnly);

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        // "lower" -> l o w e r -> (l+o) lo w e r -> (lo+w) low e r -> (e+r) low er
        // " low"  -> Ġ l o w   -> lo -> low -> (Ġ+low) Ġlow
        IReadOnlyList<int> ids = tokenizer.Encode("lower low");
        ids.Should().Equal(Low, Er, SpaceLow);
        tokenizer.Decode(ids).Should().Be("lower low");
    }

    [Fact]
    public void Byte_level_bpe_defaults_to_gpt2_pre_tokenization_which_keeps_digit_runs_together()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), EosOnly);

        HuggingFaceTokenizerLoader.Load(dir.Path).Encode("12").Should().Equal(OneTwo);
    }

    [Fact]
    public void Byte_level_bpe_uses_the_split_pattern_of_tokenizer_json_when_present()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), EosOnly);
        // Qwen2-style: one digit per pre-token, so the 1+2 merge can never apply.
        File.WriteAllText(dir.File("tokenizer.json"), """
            {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
              {"type": "Split", "pattern": {"Regex": "\\p{N}|\\s+|[^\\s\\p{N}]+"}, "behavior": "Isolated", "invert": false},
              {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]}}
            """);

        HuggingFaceTokenizerLoader.Load(dir.Path).Encode("12").Should().Equal(One, Two);
    }

    [Fact]
    public void Special_tokens_in_string_form_resolve_and_pad_falls_back_to_eos_and_bos_is_not_prepended()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"),
            """{"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": null}""");

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        tokenizer.EosId.Should().Be(EndOfText);
        tokenizer.PadId.Should().Be(EndOfText);
        tokenizer.BosId.Should().BeNull("byte-level BPE does not prepend BOS unless add_bos_token says so");
        tokenizer.VocabSize.Should().Be(15);
        tokenizer.Encode("low<|endoftext|>").Should().Equal(Low, EndOfText);
        tokenizer.Decode([Low, EndOfText]).Should().Be("low");
    }

    [Fact]
    public void Special_tokens_in_object_form_resolve_including_added_tokens_outside_vocab_json()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), """
            {
              "add_bos_token": true,
              "added_tokens_decoder": {
                "15": {"content": "<|im_start|>", "special": true},
                "16": {"content": "<|im_end|>", "special": true}
              },
              "bos_token": {"content": "<|im_start|>", "lstrip": false, "rstrip": false},
              "eos_token": {"content": "<|im_end|>", "lstrip": false, "rstrip": false},
              "pad_token": {"content": "<|endoftext|>", "lstrip": false, "rstrip": false}
            }
            """);

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        tokenizer.BosId.Should().Be(15);
        tokenizer.EosId.Should().Be(16);
        tokenizer.PadId.Should().Be(EndOfText);
        tokenizer.VocabSize.Should().Be(17);
        tokenizer.Encode("<|im_start|>low<|im_end|>").Should().Equal(15, Low, 16);
        tokenizer.Decode([15, Low, 16, EndOfText]).Should().Be("low");
    }

    [Fact]
    public void Special_tokens_map_is_read_when_tokenizer_config_names_none()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("special_tokens_map.json"), """{"eos_token": {"content": "<|endoftext|>"}, "pad_token": "low"}""");

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        tokenizer.EosId.Should().Be(EndOfText);
        tokenizer.PadId.Should().Be(Low);
    }

    [Fact]
    public void Config_json_ids_are_the_fallback_and_the_first_of_an_eos_list_is_taken()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("config.json"),
            """{"model_type": "qwen2", "bos_token_id": 7, "eos_token_id": [11, 14], "pad_token_id": 5}""");

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        tokenizer.EosId.Should().Be(EndOfText);
        tokenizer.PadId.Should().Be(5);
        tokenizer.BosId.Should().BeNull("add_bos_token is absent and byte-level BPE does not prepend BOS by default");
    }

    [Fact]
    public void Tokenizer_config_wins_over_config_json()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), EosOnly);
        File.WriteAllText(dir.File("config.json"), """{"eos_token_id": 5, "pad_token_id": null}""");

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        tokenizer.EosId.Should().Be(EndOfText);
        tokenizer.PadId.Should().Be(EndOfText);
    }

    [Fact]
    public void Empty_folder_fails_listing_the_files_looked_for()
    {
        using var dir = new TempDir();

        Action act = () => HuggingFaceTokenizerLoader.Load(dir.Path);

        act.Should().Throw<TokenizerLoadException>()
            .WithMessage($"*{dir.Path}*tokenizer.json*vocab.json*merges.txt*tokenizer.model*")
            .Which.ModelFolder.Should().Be(dir.Path);
    }

    [Fact]
    public void Tokenizer_json_with_a_malformed_model_fails_naming_the_file_and_json_path()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("tokenizer.json"), """{"model": {"type": "BPE"}}""");

        Action act = () => HuggingFaceTokenizerLoader.Load(dir.Path);

        act.Should().Throw<TokenizerLoadException>()
            .WithMessage($"Could not load {dir.File("tokenizer.json")}: tokenizer.json: model.vocab: is missing*");
    }

    [Fact]
    public void Missing_eos_fails_naming_every_file_consulted()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("config.json"), """{"eos_token_id": null}""");

        Action act = () => HuggingFaceTokenizerLoader.Load(dir.Path);

        act.Should().Throw<TokenizerLoadException>()
            .WithMessage("No end-of-sequence token*tokenizer_config.json*special_tokens_map.json*config.json*eos_token_id*present: config.json*");
    }

    [Fact]
    public void Eos_naming_an_unknown_token_fails_naming_the_file_and_field()
    {
        using var dir = new TempDir();
        WriteTo(dir);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"eos_token": "</s>"}""");

        Action act = () => HuggingFaceTokenizerLoader.Load(dir.Path);

        act.Should().Throw<TokenizerLoadException>()
            .WithMessage("*tokenizer_config.json: field \"eos_token\" names \"</s>\", which is neither an added token nor in vocab.json*");
    }

    [Fact]
    public void Missing_folder_fails_with_its_path()
    {
        string missing = Path.Combine(Path.GetTempPath(), "r2m-no-such-model-" + Guid.NewGuid().ToString("N"));

        Action act = () => HuggingFaceTokenizerLoader.Load(missing);

        act.Should().Throw<DirectoryNotFoundException>().WithMessage($"*{missing}*");
    }

    [Fact]
    public void Sentencepiece_model_encodes_without_bos_and_takes_its_specials_from_the_model_file()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("tokenizer.model"), TinySentencePieceModel.Bytes());

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        // "hi hi" is read as "▁hi▁hi"; each "▁hi" merges ▁+h, then ▁h+i.
        IReadOnlyList<int> ids = tokenizer.Encode("hi hi");
        ids.Should().Equal(TinySentencePieceModel.SpaceHi, TinySentencePieceModel.SpaceHi);
        tokenizer.BosId.Should().Be(TinySentencePieceModel.Bos, "Llama-style tokenizers prepend BOS by default");
        tokenizer.EosId.Should().Be(TinySentencePieceModel.Eos);
        tokenizer.PadId.Should().Be(TinySentencePieceModel.Eos);
        tokenizer.VocabSize.Should().Be(8);
        tokenizer.Decode([TinySentencePieceModel.Bos, .. ids, TinySentencePieceModel.Eos]).Should().Be("hi hi");
    }

    [Fact]
    public void Sentencepiece_specials_follow_tokenizer_config_and_config_json()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("tokenizer.model"), TinySentencePieceModel.Bytes());
        File.WriteAllText(dir.File("tokenizer_config.json"),
            """{"add_bos_token": false, "bos_token": "<s>", "eos_token": {"content": "</s>"}}""");
        File.WriteAllText(dir.File("config.json"), """{"pad_token_id": 0}""");

        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(dir.Path);

        tokenizer.BosId.Should().BeNull("add_bos_token is false");
        tokenizer.EosId.Should().Be(TinySentencePieceModel.Eos);
        tokenizer.PadId.Should().Be(TinySentencePieceModel.Unk);
    }
}
