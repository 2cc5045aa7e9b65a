using System.Text;

namespace R2M.MLNet.Data;

/// <summary>
/// The fixed template that turns a conversation into prompt text for <see cref="PreferenceFormat.Conversational"/> data.
/// Each message is written as <c>&lt;|role|&gt;\n{content}\n</c> (the role exactly as given, e.g. <c>&lt;|user|&gt;</c>),
/// the messages are concatenated, and the prompt ends with <see cref="AssistantTurn"/> so that the response text
/// follows directly. Use <see cref="FormatPrompt"/> at inference time so the reward model sees prompts in the same form.
/// </summary>
public static class ConversationTemplate
{
    /// <summary>The text that ends every prompt and opens the assistant's reply: <c>&lt;|assistant|&gt;\n</c>.</summary>
    public const string AssistantTurn = "<|assistant|>\n";

    /// <summary>One message as <c>&lt;|role|&gt;\n{content}\n</c>.</summary>
    /// <param name="role">The speaker, e.g. system, user or assistant.</param>
    /// <param name="content">The message text.</param>
    public static string FormatMessage(string role, string content) => $"<|{role}|>\n{content}\n";

    /// <summary>The prompt text: every message formatted by <see cref="FormatMessage"/>, then <see cref="AssistantTurn"/>.</summary>
    /// <param name="messages">The prompt messages in order.</param>
    public static string FormatPrompt(IEnumerable<(string Role, string Content)> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder();
        foreach (var (role, content) in messages) sb.Append(FormatMessage(role, content));
        return sb.Append(AssistantTurn).ToString();
    }
}
