using System.Text;

namespace R2M.MLNet.Data;

/// <summary>
/// How a conversation becomes prompt text for a chat model. Built in: <see cref="Plain"/> (R2M's own
/// <see cref="ConversationTemplate"/>), <see cref="ChatMl"/> (Qwen), <see cref="Llama3"/> (header tokens) and
/// <see cref="Inst"/> (<c>[INST]</c>, Llama 2 and Mistral). Every prompt ends where the assistant's reply begins, so the
/// response text follows directly; the tokenizer adds BOS (when it prepends one) and R2M adds EOS after the response.
/// <see cref="R2M.MLNet.Tokenization.ChatFormatDetector"/> picks one from a model folder's tokenizer_config.json.
/// </summary>
public sealed class ChatFormat
{
    private readonly Func<IReadOnlyList<(string Role, string Content)>, string> _format;

    private ChatFormat(string name, Func<IReadOnlyList<(string Role, string Content)>, string> format)
    {
        Name = name;
        _format = format;
    }

    /// <summary>The format's name: plain, chatml, llama3, inst.</summary>
    public string Name { get; }

    /// <summary>R2M's plain template: <c>&lt;|role|&gt;\n{content}\n</c> per message, then <c>&lt;|assistant|&gt;\n</c>.</summary>
    public static ChatFormat Plain { get; } = new("plain", ConversationTemplate.FormatPrompt);

    /// <summary>ChatML (Qwen): <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, then <c>&lt;|im_start|&gt;assistant\n</c>.</summary>
    public static ChatFormat ChatMl { get; } = new("chatml", messages =>
    {
        var sb = new StringBuilder();
        foreach (var (role, content) in messages) sb.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
        return sb.Append("<|im_start|>assistant\n").ToString();
    });

    /// <summary>
    /// Llama 3: <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;</c> per message (content
    /// trimmed), then the assistant header. Starts with <c>&lt;|begin_of_text|&gt;</c> (see <see cref="Llama3WithBeginOfText"/>).
    /// </summary>
    public static ChatFormat Llama3 { get; } = new("llama3", messages => Llama3Format(messages, beginOfText: false));

    /// <summary><see cref="Llama3"/> with <c>&lt;|begin_of_text|&gt;</c> written first, for a tokenizer that does not prepend it.</summary>
    public static ChatFormat Llama3WithBeginOfText { get; } = new("llama3", messages => Llama3Format(messages, beginOfText: true));

    /// <summary>
    /// <c>[INST]</c> (Llama 2, Mistral): each user turn as <c>[INST] {content} [/INST]</c>, a system message folded into the
    /// next user turn as <c>&lt;&lt;SYS&gt;&gt;\n{system}\n&lt;&lt;/SYS&gt;&gt;\n\n</c>, an assistant turn as <c> {content}&lt;/s&gt;</c>.
    /// </summary>
    public static ChatFormat Inst { get; } = new("inst", messages =>
    {
        var sb = new StringBuilder();
        string? system = null;
        foreach (var (role, content) in messages)
        {
            switch (role)
            {
                case "system": system = content; break;
                case "assistant": sb.Append(' ').Append(content.Trim()).Append("</s>"); break;
                default:
                    sb.Append("[INST] ");
                    if (system is not null) sb.Append("<<SYS>>\n").Append(system).Append("\n<</SYS>>\n\n");
                    system = null;
                    sb.Append(content.Trim()).Append(" [/INST]");
                    break;
            }
        }
        return sb.ToString();
    });

    /// <summary>The prompt text for <paramref name="messages"/>.</summary>
    public string FormatPrompt(IEnumerable<(string Role, string Content)> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _format(messages.ToList());
    }

    /// <summary>The prompt text for one user message.</summary>
    public string FormatUserPrompt(string prompt) => FormatPrompt([("user", prompt)]);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static string Llama3Format(IReadOnlyList<(string Role, string Content)> messages, bool beginOfText)
    {
        var sb = new StringBuilder(beginOfText ? "<|begin_of_text|>" : "");
        foreach (var (role, content) in messages)
            sb.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(content.Trim()).Append("<|eot_id|>");
        return sb.Append("<|start_header_id|>assistant<|end_header_id|>\n\n").ToString();
    }
}
