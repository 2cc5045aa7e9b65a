using System.Text;

namespace R2M.Benchmarks;

/// <summary>
/// Deterministic mixed-script text for the tokenize benchmark: paragraphs drawn from English, accented Latin,
/// Cyrillic, Chinese, Japanese, Arabic, code, numbers and emoji, in proportions that resemble a web/chat corpus.
/// </summary>
internal static class MixedText
{
    private static readonly string[][] Words =
    [
        "the reward model scores each response and the policy learns from that signal while a penalty keeps it near the reference".Split(' '),
        "über café naïve résumé façade Zürich größer élève déjà señor mañana cœur straße".Split(' '),
        "привет как дела модель обучение награда политика ответ вопрос данные".Split(' '),
        ["模型", "奖励", "策略", "训练", "数据", "你好", "世界", "问题", "回答", "学习"],
        ["日本語", "テキスト", "です", "ます", "学習", "モデル", "報酬", "こんにちは", "ありがとう"],
        "مرحبا نموذج المكافأة السياسة التعلم البيانات".Split(' '),
        ["def", "return", "self.x", "+=", "for", "i", "in", "range(10):", "if", "x", "==", "None:", "{", "}", "=>", "var", "List<int>"],
        ["1234", "3.14159", "2026", "1,000,000", "42", "0.5", "100%", "#7"],
        ["🙂", "👍🏽", "🚀", "✨", "🎉"],
    ];

    private static readonly int[] Weights = [40, 10, 10, 10, 8, 4, 10, 6, 2];

    /// <summary>Paragraphs totalling about <paramref name="bytes"/> UTF-8 bytes.</summary>
    public static List<string> Paragraphs(long bytes, int seed = 17)
    {
        var random = new Random(seed);
        int totalWeight = Weights.Sum();
        var paragraphs = new List<string>();
        long size = 0;
        var sb = new StringBuilder();
        while (size < bytes)
        {
            sb.Clear();
            int words = random.Next(20, 120);
            int script = Pick(random, totalWeight);
            for (int w = 0; w < words; w++)
            {
                if (random.Next(8) == 0) script = Pick(random, totalWeight);
                string[] list = Words[script];
                string word = list[random.Next(list.Length)];
                if (w > 0 && script is not (3 or 4)) sb.Append(' ');
                if (w % 13 == 0 && script == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
                sb.Append(word);
                if (random.Next(12) == 0) sb.Append(random.Next(3) switch { 0 => ",", 1 => ".", _ => "\n" });
            }
            string paragraph = sb.ToString();
            paragraphs.Add(paragraph);
            size += Encoding.UTF8.GetByteCount(paragraph) + 1;
        }
        return paragraphs;
    }

    private static int Pick(Random random, int totalWeight)
    {
        int r = random.Next(totalWeight);
        for (int i = 0; i < Weights.Length; i++)
        {
            if ((r -= Weights[i]) < 0) return i;
        }
        return 0;
    }
}
