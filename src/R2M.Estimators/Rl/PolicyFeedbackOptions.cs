using R2M.Estimators.Validation;

namespace R2M.Estimators.Rl;

/// <summary>Settings of R2M's policy-feedback aligner (see docs/r2m-choices.md for what the paper leaves open).</summary>
public sealed record PolicyFeedbackOptions
{
    /// <summary>Variant (default R2M; Vanilla turns the aligner off).</summary>
    public AlignerMode Mode { get; init; } = AlignerMode.R2M;
    /// <summary>α in GREBT = (1 − α)·BT + α·GRE (default 0.3).</summary>
    public double Alpha { get; init; } = 0.3;
    /// <summary>Ω, the floor of the blend weight ω(t) on the reward model's own embedding (default 0.6).</summary>
    public double Omega { get; init; } = 0.6;
    /// <summary>Cross-attention width d (default 64; the paper uses 2048 at 8B).</summary>
    public int Width { get; init; } = 64;
    /// <summary>AdamW learning rate of the cross-attention and score head (default 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>T_ω, the steps over which ω(t) falls from 1 to Ω (null, the default: the RL stage's step count, as in the paper).</summary>
    public int? OmegaHorizon { get; init; }
    /// <summary>Optimizer steps of the aligner on each RL step's rollouts (default 1, as in the paper).</summary>
    public int UpdatesPerStep { get; init; } = 1;
    /// <summary>
    /// Coefficient c of an L2 anchor c·‖φ − φ₀‖² added to GREBT, pulling the trained head back to the reward
    /// model's own (default 0: off, as in the paper).
    /// </summary>
    public double AnchorCoefficient { get; init; }
    /// <summary>
    /// Earlier RL steps whose rollouts the aligner's update also trains on (default 0: only the step's own, as in the
    /// paper). Each kept step holds its reward-token embeddings and the policy feedback read at that step.
    /// </summary>
    public int ReplaySteps { get; init; }
    /// <summary>ε in the group standardisation of GRE (default 1e-6); groups whose std is below it are skipped.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>
    /// Start the cross-attention's output projection at zero (default true), so Ĥ = 0 and the reward keeps the
    /// reward model's ranking until GREBT moves it; false keeps nn.Linear's random start, whose random Ĥ the
    /// policy can exploit before the aligner has learnt anything.
    /// </summary>
    public bool ZeroInitOutput { get; init; } = true;

    /// <summary>
    /// Epochs of the offline warm start (default 0: off, as in the paper): before RL, the PolicyFeedbackAligner stage
    /// fits the cross-attention and φ on its preference pairs with Bradley–Terry at ω = Ω over the SFT policy's
    /// feedback (<see cref="AlignerWarmStart"/>), at <see cref="LearningRate"/>.
    /// </summary>
    public int WarmStartEpochs { get; init; }
    /// <summary>Seed the aligner's weights are initialised from (torch seed <c>Seed + 1</c>; default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Policy (HuggingFace folder) to align when the stage runs without earlier stages.</summary>
    public string? PolicyPath { get; init; }
    /// <summary>Reward model (HuggingFace *ForSequenceClassification folder) when the stage runs without earlier stages.</summary>
    public string? RewardModelPath { get; init; }
    /// <summary>Tokenizer of <see cref="PolicyPath"/> when its folder has no tokenizer files (null: read the folder's).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public R2M.MLNet.Tokenization.TokenizerSpec? Tokenizer { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range, its value and
    /// the range. Called by the estimator's constructor.
    /// </summary>
    public void Validate()
    {
        const string c = nameof(PolicyFeedbackOptions) + ".";
        OptionCheck.Defined(c + nameof(Mode), Mode);
        OptionCheck.InRange(c + nameof(Alpha), Alpha, 0, 1);
        OptionCheck.InRange(c + nameof(Omega), Omega, 0, 1);
        OptionCheck.AtLeast(c + nameof(Width), Width, 1);
        OptionCheck.Positive(c + nameof(LearningRate), LearningRate);
        OptionCheck.Positive(c + nameof(Epsilon), Epsilon);
        if (OmegaHorizon is int horizon) OptionCheck.AtLeast(c + nameof(OmegaHorizon), horizon, 1);
        OptionCheck.AtLeast(c + nameof(UpdatesPerStep), UpdatesPerStep, 1);
        OptionCheck.NonNegative(c + nameof(AnchorCoefficient), AnchorCoefficient);
        OptionCheck.InRange(c + nameof(ReplaySteps), ReplaySteps, 0, 64);
        OptionCheck.InRange(c + nameof(WarmStartEpochs), WarmStartEpochs, 0, 100);
        if ((PolicyPath is null) != (RewardModelPath is null))
            throw new ArgumentException($"{c}{nameof(PolicyPath)} and {c}{nameof(RewardModelPath)} go together: set both (the stage then runs alone) or neither; got only {(PolicyPath is null ? nameof(RewardModelPath) : nameof(PolicyPath))}.", c + (PolicyPath is null ? nameof(PolicyPath) : nameof(RewardModelPath)));
    }
}
