namespace R2M.Estimators.EmbeddedTask;

/// <summary>
/// The gold judge of the embedded task: deterministic, in [0, 1], compatible with
/// <see cref="Rl.GoldJudge"/>. The rule, for a prompt that parses as an <see cref="EmbeddedInstruction"/>
/// with answer length L:
/// <list type="number">
/// <item>text = the response with at most one leading space removed.</item>
/// <item>words = text split on ' ' with empty entries dropped; no words → 0.</item>
/// <item>content = (number of the first min(L, |words|) words that are right in their slot) / L, where a
/// slot is right as <see cref="EmbeddedInstruction.IsCorrectSlot"/> says (a repeated list item is wrong).</item>
/// <item>extra = |text| − |the first min(L, |words|) words joined by single spaces|: every character beyond
/// the answer — further words, repeated items, filler, extra or trailing spaces — counts.</item>
/// <item>score = content · max(0, 1 − extra / <see cref="ExtraCharactersToZero"/>).</item>
/// </list>
/// A prompt that is not one of the task's templates scores 0.
/// </summary>
public static class EmbeddedJudge
{
    /// <summary>Characters beyond the answer that bring the score to 0 (24): each costs 1/24 of the score.</summary>
    public const int ExtraCharactersToZero = 24;

    /// <summary>The gold score of <paramref name="response"/> to <paramref name="prompt"/>, in [0, 1].</summary>
    public static double Score(string prompt, string response)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        var instruction = EmbeddedInstruction.TryParse(prompt);
        return instruction is null ? 0 : Score(instruction, response);
    }

    /// <summary>The gold score of <paramref name="response"/> to a parsed <paramref name="instruction"/>, in [0, 1].</summary>
    public static double Score(EmbeddedInstruction instruction, string response)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        ArgumentNullException.ThrowIfNull(response);
        string text = response.StartsWith(' ') ? response[1..] : response;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return 0;
        int length = instruction.AnswerLength;
        int slots = Math.Min(length, words.Length);
        int right = 0;
        for (int i = 0; i < slots; i++)
        {
            if (instruction.IsCorrectSlot(i, words[i], new ArraySegment<string>(words, 0, i))) right++;
        }
        int answerChars = words.Take(slots).Sum(w => w.Length) + slots - 1;
        int extra = text.Length - answerChars;
        double brevity = Math.Max(0, 1 - (double)extra / ExtraCharactersToZero);
        return (double)right / length * brevity;
    }
}
