using System.Text.Json;
using R2M.MLNet.Data;

namespace R2M.MLNet.Tokenization;

/// <summary>The chat format of a model folder, and a note when its chat template was not recognised.</summary>
/// <param name="Format">The format to use: a built-in one, or <see cref="ChatFormat.Plain"/>.</param>
/// <param name="Source">Where it was recognised from (<c>chat_template</c>, the special tokens) or why plain is used.</param>
/// <param name="Unrecognised">True when the folder has a chat template that matches no built-in format.</param>
public sealed record ChatFormatDetection(ChatFormat Format, string Source, bool Unrecognised);

/// <summary>
/// Recognises a model's chat format from <c>tokenizer_config.json</c>: its <c>chat_template</c> (a string, or a list of
/// named templates of which "default" or the first is taken) marks ChatML by <c>&lt;|im_start|&gt;</c>, Llama 3 by
/// <c>&lt;|start_header_id|&gt;</c> and <c>[INST]</c> by itself; without a template, the added tokens are looked at the
/// same way. A template that matches none gives <see cref="ChatFormat.Plain"/> with <c>Unrecognised</c> set, for the
/// caller to report once. Llama 3 writes <c>&lt;|begin_of_text|&gt;</c> itself when the template uses the BOS token and
/// the tokenizer does not prepend it.
/// </summary>
public static class ChatFormatDetector
{
    /// <summary>The chat format of the model in <paramref name="modelFolder"/>.</summary>
    /// <param name="modelFolder">A HuggingFace model folder.</param>
    /// <param name="tokenizerPrependsBos">Whether the folder's tokenizer prepends BOS itself (<see cref="ITextTokenizer.BosId"/> set).</param>
    public static ChatFormatDetection Detect(string modelFolder, bool tokenizerPrependsBos)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        HuggingFaceTokenizerFiles files = HuggingFaceTokenizerFiles.Read(Path.GetFullPath(modelFolder));
        string? template = files.TokenizerConfigJson is { } config ? ReadTemplate(config) : null;
        if (template is not null)
        {
            ChatFormat? format = Recognise(template, template.Contains("bos_token", StringComparison.Ordinal) && !tokenizerPrependsBos);
            return format is null
                ? new ChatFormatDetection(ChatFormat.Plain, "tokenizer_config.json chat_template matches no built-in format (ChatML, Llama 3, [INST])", true)
                : new ChatFormatDetection(format, "tokenizer_config.json chat_template", false);
        }
        string tokens = string.Join(' ', files.AddedTokens.Keys);
        return Recognise(tokens, !tokenizerPrependsBos && files.AddedTokens.ContainsKey("<|begin_of_text|>")) is { } fromTokens
            ? new ChatFormatDetection(fromTokens, "special tokens", false)
            : new ChatFormatDetection(ChatFormat.Plain, "no chat template", false);
    }

    private static ChatFormat? Recognise(string text, bool writeBeginOfText)
    {
        if (text.Contains("<|im_start|>", StringComparison.Ordinal)) return ChatFormat.ChatMl;
        if (text.Contains("<|start_header_id|>", StringComparison.Ordinal)) return writeBeginOfText ? ChatFormat.Llama3WithBeginOfText : ChatFormat.Llama3;
        if (text.Contains("[INST]", StringComparison.Ordinal)) return ChatFormat.Inst;
        return null;
    }

    private static string? ReadTemplate(JsonElement config)
    {
        if (!config.TryGetProperty("chat_template", out JsonElement value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind != JsonValueKind.Array) return null;
        string? first = null;
        foreach (JsonElement named in value.EnumerateArray())
        {
            if (named.ValueKind != JsonValueKind.Object || !named.TryGetProperty("template", out JsonElement t) || t.ValueKind != JsonValueKind.String) continue;
            first ??= t.GetString();
            if (named.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String && n.GetString() == "default") return t.GetString();
        }
        return first;
    }
}
