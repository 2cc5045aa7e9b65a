using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Stage: builds R2M's policy-feedback aligner for the RL stage that follows (cross-attention over the
/// policy's hidden states, with φ copied from the reward model's head; trained by GREBT once per RL step by the
/// RL stage). Policy and reward model must share a device and dtype. After a RewardModel stage it takes that
/// stage's models; alone, it loads <see cref="PolicyFeedbackOptions.PolicyPath"/> and
/// <see cref="PolicyFeedbackOptions.RewardModelPath"/>.
/// </summary>
public sealed class PolicyFeedbackAlignerEstimator : IEstimator<PolicyFeedbackAlignerTransformer>
{
    private readonly MLContext context;
    private readonly PolicyFeedbackOptions options;
    private readonly Device device;

    internal PolicyFeedbackAlignerEstimator(MLContext context, PolicyFeedbackOptions options, Device device)
    {
        options.Validate();
        this.context = context;
        this.options = options;
        this.device = device;
    }

    /// <inheritdoc />
    public PolicyFeedbackAlignerTransformer Fit(IDataView input)
    {
        var upstream = StageTraining.Upstream(input, "PolicyFeedbackAligner");
        if (upstream?.RewardModel is null || upstream.Policy is null)
        {
            if (options.PolicyPath is null || options.RewardModelPath is null)
                throw new InvalidOperationException(
                    "The PolicyFeedbackAligner stage needs a policy and a reward model: put a RewardModel stage right before it, or set PolicyFeedbackOptions.PolicyPath and RewardModelPath.");
            var spec = options.Tokenizer ?? TokenizerSpec.FromHuggingFaceFolder(options.PolicyPath);
            var policy = HfCheckpoint.LoadCausalLM(options.PolicyPath, device: device);
            upstream = new R2MArtifacts
            {
                TokenizerSpec = spec, Tokenizer = spec.Create(), Device = device, Policy = policy, Reference = PolicyFactory.Clone(policy),
                RewardModel = HfCheckpoint.LoadSequenceScoreModel(options.RewardModelPath, device: device),
            };
        }
        var aligner = !AlignerVariant.HasAligner(options) ? null : AlignerVariant.Build(options, upstream.RewardModel!, upstream.Policy!, RlSeeds.Aligner(options.Seed));
        if (aligner is not null && options.WarmStartEpochs > 0)
            AlignerWarmStart.Fit(aligner, upstream.RewardModel!, upstream.Policy!, upstream.Tokenizer, StageTraining.Pairs(input), options);
        return new PolicyFeedbackAlignerTransformer(context, upstream with { Device = device, Feedback = options, Aligner = aligner, Omega = 1.0 });
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Columns.RequireText(inputSchema, "prompt", Columns.Prompt);
        return inputSchema;
    }
}

/// <summary>Carries the built aligner (untrained) and its settings to the RL stage; passes data through unchanged.</summary>
public sealed class PolicyFeedbackAlignerTransformer : R2MStageTransformer
{
    internal PolicyFeedbackAlignerTransformer(MLContext context, R2MArtifacts artifacts) : base(context, artifacts) { }

    /// <inheritdoc />
    public override string StageName => "PolicyFeedbackAligner";

    private protected override IReadOnlyList<(string Name, DataViewType Type, Func<IDataView, Array> Compute)> Appended(DataViewSchema inputSchema) => [];
}
