using R2M.Estimators.Rl;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>
/// The embedded default task, generated from a seed with no data files: prompts for RL and evaluation, an
/// SFT corpus, judge-labelled preference pairs with label noise and length bias, and the gold judge.
/// Everything is a pure function of the seed and the options (System.Random only).
/// </summary>
/// <param name="Seed">The seed everything was drawn from.</param>
/// <param name="Options">The sizes and label flaws used.</param>
/// <param name="TrainPrompts">Prompts of the training instructions (for RL).</param>
/// <param name="EvalPrompts">Prompts of the held-out instructions (for gold evaluation): unseen combinations of trained parts.</param>
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

    /// <summary>
    /// What the SFT corpus's mediocre answers are: wrong or cut short, never padded, so the SFT policy rarely pads
    /// and padding is what RL finds by climbing the proxy's length bias (the reward model learns that bias from
    /// the preference pairs, which do hold padded answers). Wrong when the uniform draw <paramref name="u"/> falls
    /// below <paramref name="wrongShare"/>; at 0.5 this is the same draw as picking one of the two styles at random.
    /// </summary>
    private static EmbeddedResponseStyle MediocreStyle(double u, double wrongShare) => u < wrongShare ? EmbeddedResponseStyle.Wrong : EmbeddedResponseStyle.Truncated;

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
            var style = sftRandom.NextDouble() < options.MediocreFraction ? MediocreStyle(sftRandom.NextDouble(), options.WrongShare) : EmbeddedResponseStyle.Good;
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
    /// Preference pairs of the policy's own samples, labelled by this task's labeller (its noise and length bias),
    /// as real preference data is collected: each of <see cref="EmbeddedTaskOptions.PolicySampleRounds"/> rounds
    /// samples two responses to every training prompt at <paramref name="temperature"/> and labels the pair when the
    /// two differ. Prompts are given to the policy, and kept in the pairs, as <paramref name="format"/> renders them
    /// (a chat template; identity when null); the labeller reads the plain prompt. Deterministic in the task's seed.
    /// </summary>
    public IReadOnlyList<PreferencePair> LabelPolicySamples(CausalLM policy, ITextTokenizer tokenizer, int maxNewTokens = 32,
        double temperature = 0.7, Func<string, string>? format = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokenizer);
        format ??= p => p;
        var labeller = new EmbeddedLabeller(Options.NoiseRate, Options.LengthBias);
        var random = new Random(Derive(Seed, 6));
        var shown = TrainPrompts.Select(format).ToList();
        var pairs = new List<PreferencePair>();
        for (int round = 0; round < Options.PolicySampleRounds; round++)
        {
            long seed = Derive(Seed, 7) + 2_000L * round;
            var a = EmbeddedEvaluation.Generate(policy, tokenizer, shown, maxNewTokens, temperature, seed).Responses;
            var b = EmbeddedEvaluation.Generate(policy, tokenizer, shown, maxNewTokens, temperature, seed + 1_000).Responses;
            for (int i = 0; i < shown.Count; i++)
            {
                if (a[i] == b[i]) continue;
                var pair = labeller.Label(TrainPrompts[i], a[i], b[i], random);
                pairs.Add(pair with { Prompt = shown[i] });
            }
        }
        return pairs;
    }

    /// <summary>
    /// Splits the instructions into training and evaluation so that both come from one distribution: an
    /// evaluation instruction is an unseen combination of parts that training has, each in other combinations.
    /// List (category, n), Repeat (word, k) and Count (from, to) hold out a share of about
    /// <paramref name="evalFraction"/> of their combinations, drawn at random, keeping a combination in training
    /// whenever holding it out would leave one of its parts (the category, n, word, k, from or to) untrained.
    /// Opposite has no parts to recombine (a held-out direction of an antonym pair is a different word to
    /// produce, which no policy here learns from the other direction), so all its instructions train and none
    /// is evaluated.
    /// </summary>
    private static (IReadOnlyList<EmbeddedInstruction> Train, IReadOnlyList<EmbeddedInstruction> Eval) Split(double evalFraction, Random random)
    {
        var all = EmbeddedInstruction.All();
        var train = new List<EmbeddedInstruction>();
        var eval = new List<EmbeddedInstruction>();
        foreach (var kind in Enum.GetValues<EmbeddedTaskKind>())
        {
            var ofKind = all.Where(i => i.Kind == kind).OrderBy(_ => random.Next()).ToList();
            if (kind == EmbeddedTaskKind.Opposite)
            {
                train.AddRange(ofKind);
                continue;
            }
            int target = Math.Max(1, (int)Math.Round(evalFraction * ofKind.Count));
            var held = new List<EmbeddedInstruction>();
            foreach (var candidate in ofKind)
            {
                if (held.Count == target) break;
                var kept = ofKind.Where(i => i != candidate && !held.Contains(i)).ToList();
                if (Parts(candidate).All(part => kept.Any(i => Parts(i).Contains(part)))) held.Add(candidate);
            }
            eval.AddRange(held);
            train.AddRange(ofKind.Where(i => !held.Contains(i)));
        }
        return (train, eval);
    }

    /// <summary>The parts an instruction combines, tagged by role: ("w", word), ("a", A), ("b", B).</summary>
    private static (char Role, string Value)[] Parts(EmbeddedInstruction i) => i.Kind == EmbeddedTaskKind.Count
        ? [('a', i.A.ToString(System.Globalization.CultureInfo.InvariantCulture)), ('b', i.B.ToString(System.Globalization.CultureInfo.InvariantCulture))]
        : [('w', i.Word), ('a', i.A.ToString(System.Globalization.CultureInfo.InvariantCulture))];

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
