using R2M.Estimators.Rl;
using R2M.MLNet.Data;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>
/// The embedded default task, generated from a seed with no data files: prompts for RL and evaluation, an
/// SFT corpus, judge-labelled preference pairs with label noise and length bias, and the gold judge.
/// Everything is a pure function of the seed and the options (System.Random only).
/// </summary>
/// <param name="Seed">The seed everything was drawn from.</param>
/// <param name="Options">The sizes and label flaws used.</param>
/// <param name="TrainPrompts">Prompts of the training instructions (for RL).</param>
/// <param name="EvalPrompts">Prompts of the held-out instructions (for gold evaluation).</param>
/// <param name="SftTrain">SFT pairs on training prompts: mostly good answers, <see cref="EmbeddedTaskOptions.MediocreFraction"/> mediocre.</param>
/// <param name="SftValidation">Good answers to evaluation prompts.</param>
/// <param name="PreferenceTrain">Labelled pairs on training prompts (noisy, length-biased).</param>
/// <param name="PreferenceValidation">Labelled pairs on evaluation prompts, with the same flaws.</param>
/// <param name="GoldValidation">The validation pairs ordered by the gold judge alone; pairs of equal gold are dropped.</param>
public sealed record EmbeddedTaskData(int Seed, EmbeddedTaskOptions Options,
    IReadOnlyList<string> TrainPrompts, IReadOnlyList<string> EvalPrompts,
    IReadOnlyList<(string Prompt, string Response)> SftTrain, IReadOnlyList<(string Prompt, string Response)> SftValidation,
    IReadOnlyList<PreferencePair> PreferenceTrain, IReadOnlyList<PreferencePair> PreferenceValidation,
    IReadOnlyList<PreferencePair> GoldValidation)
{
    private static readonly (EmbeddedResponseStyle Style, double Weight)[] PairStyles =
    [
        (EmbeddedResponseStyle.Good, 0.30), (EmbeddedResponseStyle.Wrong, 0.20), (EmbeddedResponseStyle.Padded, 0.25),
        (EmbeddedResponseStyle.Truncated, 0.15), (EmbeddedResponseStyle.Rambling, 0.10),
    ];

    private static readonly EmbeddedResponseStyle[] MediocreStyles =
        [EmbeddedResponseStyle.Wrong, EmbeddedResponseStyle.Padded, EmbeddedResponseStyle.Truncated];

    /// <summary>The gold judge, <see cref="EmbeddedJudge.Score(string, string)"/>.</summary>
    public GoldJudge Judge => EmbeddedJudge.Score;

    /// <summary>Generates the task from <paramref name="seed"/> (and <paramref name="options"/>, defaults when null).</summary>
    public static EmbeddedTaskData Create(int seed, EmbeddedTaskOptions? options = null)
    {
        options ??= new EmbeddedTaskOptions();
        options.Validate();
        var (train, eval) = Split(options.EvalFraction, new Random(Derive(seed, 1)));
        var labeller = new EmbeddedLabeller(options.NoiseRate, options.LengthBias);

        var sftRandom = new Random(Derive(seed, 2));
        var sftTrain = Enumerable.Range(0, options.SftPairs).Select(_ =>
        {
            var instruction = Pick(train, sftRandom);
            var style = sftRandom.NextDouble() < options.MediocreFraction ? MediocreStyles[sftRandom.Next(MediocreStyles.Length)] : EmbeddedResponseStyle.Good;
            return (instruction.Prompt, EmbeddedResponses.Write(instruction, style, sftRandom));
        }).ToArray();
        var sftValidationRandom = new Random(Derive(seed, 3));
        var sftValidation = Enumerable.Range(0, options.SftValidationPairs).Select(_ =>
        {
            var instruction = Pick(eval, sftValidationRandom);
            return (instruction.Prompt, EmbeddedResponses.Write(instruction, EmbeddedResponseStyle.Good, sftValidationRandom));
        }).ToArray();

        var preferenceTrain = Pairs(train, options.PreferencePairs, labeller, new Random(Derive(seed, 4)));
        var preferenceValidation = Pairs(eval, options.ValidationPreferencePairs, labeller, new Random(Derive(seed, 5)));
        var gold = preferenceValidation
            .Select(p => (Pair: p, Gap: EmbeddedJudge.Score(p.Prompt, p.Chosen) - EmbeddedJudge.Score(p.Prompt, p.Rejected)))
            .Where(x => x.Gap != 0)
            .Select(x => x.Gap > 0 ? x.Pair : x.Pair with { Chosen = x.Pair.Rejected, Rejected = x.Pair.Chosen })
            .ToArray();
        return new EmbeddedTaskData(seed, options, train.Select(i => i.Prompt).ToArray(), eval.Select(i => i.Prompt).ToArray(),
            sftTrain, sftValidation, preferenceTrain, preferenceValidation, gold);
    }

    /// <summary>
    /// Splits every kind's instructions into training and evaluation. Of the antonym pairs, a share of
    /// <paramref name="evalFraction"/> · 2 gives one direction (drawn at random) to evaluation, so every
    /// evaluation antonym was seen in the other direction.
    /// </summary>
    private static (IReadOnlyList<EmbeddedInstruction> Train, IReadOnlyList<EmbeddedInstruction> Eval) Split(double evalFraction, Random random)
    {
        var all = EmbeddedInstruction.All();
        var train = new List<EmbeddedInstruction>();
        var eval = new List<EmbeddedInstruction>();
        foreach (var kind in Enum.GetValues<EmbeddedTaskKind>())
        {
            var ofKind = all.Where(i => i.Kind == kind).ToList();
            if (kind == EmbeddedTaskKind.Opposite)
            {
                var pairs = EmbeddedVocabulary.Antonyms.OrderBy(_ => random.Next()).ToList();
                int held = (int)Math.Round(evalFraction * 2 * pairs.Count);
                for (int p = 0; p < pairs.Count; p++)
                {
                    bool firstHeld = random.Next(2) == 0;
                    var a = ofKind.Single(i => i.Word == pairs[p].A);
                    var b = ofKind.Single(i => i.Word == pairs[p].B);
                    if (p < held) { eval.Add(firstHeld ? a : b); train.Add(firstHeld ? b : a); }
                    else { train.Add(a); train.Add(b); }
                }
                continue;
            }
            var shuffled = ofKind.OrderBy(_ => random.Next()).ToList();
            int count = Math.Max(1, (int)Math.Round(evalFraction * shuffled.Count));
            eval.AddRange(shuffled.Take(count));
            train.AddRange(shuffled.Skip(count));
        }
        return (train, eval);
    }

    /// <summary>A task kind uniformly, then an instruction of that kind uniformly.</summary>
    private static EmbeddedInstruction Pick(IReadOnlyList<EmbeddedInstruction> instructions, Random random)
    {
        var kinds = instructions.Select(i => i.Kind).Distinct().ToArray();
        var kind = kinds[random.Next(kinds.Length)];
        var ofKind = instructions.Where(i => i.Kind == kind).ToArray();
        return ofKind[random.Next(ofKind.Length)];
    }

    private static PreferencePair[] Pairs(IReadOnlyList<EmbeddedInstruction> instructions, int count, EmbeddedLabeller labeller, Random random)
    {
        var pairs = new PreferencePair[count];
        for (int n = 0; n < count; n++)
        {
            var instruction = Pick(instructions, random);
            string a = EmbeddedResponses.Write(instruction, Style(random), random);
            string b = a;
            for (int tries = 0; tries < 20 && b == a; tries++) b = EmbeddedResponses.Write(instruction, Style(random), random);
            pairs[n] = labeller.Label(instruction.Prompt, a, b, random);
        }
        return pairs;
    }

    private static EmbeddedResponseStyle Style(Random random)
    {
        double u = random.NextDouble();
        foreach (var (style, weight) in PairStyles)
        {
            if (u < weight) return style;
            u -= weight;
        }
        return PairStyles[^1].Style;
    }

    private static int Derive(int seed, int part) => unchecked(seed * 1_000_003 + part * 7_919);
}
