using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>
/// Reads one conversational record. The prompt is the explicit <c>prompt</c> message list, or else the messages that
/// <c>chosen</c> and <c>rejected</c> share from the start. Every message after the prompt must be an assistant message;
/// the response is their contents joined by "\n". The prompt is flattened with the loader's
/// <see cref="PreferenceLoaderOptions.ChatFormat"/>, by default <see cref="ConversationTemplate"/>.
/// </summary>
internal static class ConversationalRecordReader
{
    public static RecordOutcome Read(JsonElement record, RecordLocation at, LoadSink sink, List<PreferencePair> into)
    {
        JsonFields.RequireObject(record);
        var chosen = ReadMessages(record, "chosen");
        var rejected = ReadMessages(record, "rejected");
        List<(string Role, string Content)> prompt;
        int chosenStart, rejectedStart;
        if (record.TryGetProperty("prompt", out _))
        {
            prompt = ReadMessages(record, "prompt");
            if (prompt.Count == 0) throw new InvalidRecordException("prompt", "the prompt has no messages");
            // A completion that repeats the prompt (the whole conversation) is accepted: the repeat is dropped.
            chosenStart = StartsWith(chosen, prompt) ? prompt.Count : 0;
            rejectedStart = StartsWith(rejected, prompt) ? prompt.Count : 0;
        }
        else
        {
            int shared = 0;
            while (shared < chosen.Count && shared < rejected.Count && chosen[shared] == rejected[shared]) shared++;
            if (shared == 0)
                throw new InvalidRecordException("prompt", "no explicit prompt, and chosen and rejected share no leading message (the implicit prompt is empty)");
            if (shared == chosen.Count && shared == rejected.Count) throw new InvalidRecordException("rejected", PairRules.Identical);
            prompt = chosen.GetRange(0, shared);
            chosenStart = rejectedStart = shared;
        }
        string chosenText = Response(chosen, chosenStart, "chosen");
        string rejectedText = Response(rejected, rejectedStart, "rejected");
        float margin = JsonFields.OptionalMargin(record);
        into.Add(PairRules.Make(sink, at, (sink.Options.ChatFormat ?? ChatFormat.Plain).FormatPrompt(prompt), "prompt", chosenText, "chosen", rejectedText, "rejected", margin));
        return default;
    }

    private static string Response(List<(string Role, string Content)> messages, int start, string field)
    {
        if (start >= messages.Count) throw new InvalidRecordException(field, "no assistant message after the prompt");
        for (int i = start; i < messages.Count; i++)
        {
            if (messages[i].Role != "assistant")
                throw new InvalidRecordException($"{field}[{i}].role", $"only assistant messages may follow the prompt, got role '{messages[i].Role}'");
        }
        return string.Join("\n", messages.Skip(start).Select(m => m.Content));
    }

    private static bool StartsWith(List<(string Role, string Content)> messages, List<(string Role, string Content)> prefix) =>
        messages.Count > prefix.Count && messages.Take(prefix.Count).SequenceEqual(prefix);

    private static List<(string Role, string Content)> ReadMessages(JsonElement record, string field)
    {
        var list = JsonFields.Require(record, field);
        if (list.ValueKind != JsonValueKind.Array)
            throw new InvalidRecordException(field, $"expected a list of {{role, content}} messages, got {JsonFields.Describe(list)}");
        var messages = new List<(string, string)>(list.GetArrayLength());
        int i = 0;
        foreach (var message in list.EnumerateArray())
        {
            string at = $"{field}[{i++}]";
            if (message.ValueKind != JsonValueKind.Object)
                throw new InvalidRecordException(at, $"expected a {{role, content}} message, got {JsonFields.Describe(message)}");
            string role = JsonFields.AsString(Member(message, at, "role"), $"{at}.role");
            if (string.IsNullOrWhiteSpace(role)) throw new InvalidRecordException($"{at}.role", PairRules.EmptyText);
            messages.Add((role, JsonFields.AsString(Member(message, at, "content"), $"{at}.content")));
        }
        return messages;
    }

    private static JsonElement Member(JsonElement message, string at, string name) =>
        message.TryGetProperty(name, out var value) ? value : throw new InvalidRecordException($"{at}.{name}", "missing");
}
