using Microsoft.ML;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Serving;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Stage: RL fine-tuning (PPO, RLOO or GRPO) of the policy on the input's distinct prompts, against the reward
/// model, with R2M's aligner when a PolicyFeedbackAligner stage came before. The fitted transformer
/// generates a Response for each Prompt and scores it with the aligned reward model.
/// </summary>
public sealed class PolicyOptimizationEstimator : IEstimator<R2MPolicyTransformer>
{
    private readonly MLContext context;
    private readonly PolicyOptimizationOptions options;
    private readonly Device device;

    internal PolicyOptimizationEstimator(MLContext context, PolicyOptimizationOptions options, Device device)
    {
        options.Validate();
        this.context = context;
        this.options = options;
        this.device = device;
    }

    /// <inheritdoc />
    public R2MPolicyTransformer Fit(IDataView input)
    {
        var upstream = StageTraining.Upstream(input);
        if (upstream?.Policy is null || upstream.Reference is null || upstream.RewardModel is null)
            throw new InvalidOperationException("The RL stage needs a policy and a reward model: put a RewardModel stage (and optionally PolicyFeedbackAligner) before it.");
        var prompts = Columns.ReadText(input, "prompt", Columns.Prompt).Distinct(StringComparer.Ordinal).ToList();
        var feedback = upstream.Feedback ?? new PolicyFeedbackOptions { Mode = AlignerMode.Vanilla };
        var policy = PolicyFactory.Clone(upstream.Policy); // earlier stages keep the policy they trained
        policy.train();
        var trainer = new RlTrainer(policy, upstream.Reference, upstream.RewardModel, upstream.Tokenizer, prompts, options, feedback, options.GoldJudge);
        IReadOnlyList<RlStepMetrics> metrics;
        try
        {
            metrics = trainer.Train(progress: options.Progress, metricsJsonl: options.MetricsLogPath, cancellationToken: options.CancellationToken);
        }
        catch
        {
            trainer.Dispose();
            policy.Dispose();
            throw;
        }
        var aligner = trainer.ReleaseAligner();
        double omega = trainer.OmegaAt(options.Steps);
        trainer.Dispose();
        var artifacts = new R2MArtifacts
        {
            TokenizerSpec = upstream.TokenizerSpec, Tokenizer = upstream.Tokenizer, Device = device,
            Policy = policy, Reference = upstream.Reference, RewardModel = upstream.RewardModel, Feedback = feedback,
            Aligner = aligner is null || feedback.Mode is AlignerMode.Vanilla ? null : (aligner, feedback.Mode == AlignerMode.HeadOnlyIterative ? 1.0 : omega),
            RlMetrics = metrics,
        };
        return new R2MPolicyTransformer(context, artifacts, new R2MGenerationDefaults { MaxNewTokens = options.MaxNewTokens });
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Columns.RequireText(inputSchema, "prompt", Columns.Prompt);
        return Columns.HasText(inputSchema, Columns.Response)
            ? SchemaRows.Shape<SchemaRows.PromptResponse, SchemaRows.RewardOnly>(context, inputSchema)
            : SchemaRows.Shape<R2MGraphInput, R2MGraphOutput>(context, inputSchema);
    }
}
