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
        var upstream = StageTraining.Upstream(input, "Ppo");
        if (upstream?.Policy is null || upstream.Reference is null || upstream.RewardModel is null)
            throw new InvalidOperationException("The RL stage needs a policy and a reward model: put a RewardModel stage (optionally followed by PolicyFeedbackAligner) right before the Ppo stage.");
        var prompts = Columns.ReadText(input, "prompt", Columns.Prompt).Distinct(StringComparer.Ordinal).ToList();
        var feedback = upstream.Feedback ?? new PolicyFeedbackOptions { Mode = AlignerMode.Vanilla };
        var policy = PolicyFactory.Clone(upstream.Policy);        // earlier stages keep the policy they trained
        var aligner = upstream.Aligner is null ? null : AlignerVariant.Copy(upstream.Aligner, feedback, upstream.RewardModel, policy);
        policy.train();
        try
        {
            using var trainer = new RlTrainer(policy, upstream.Reference, upstream.RewardModel, upstream.Tokenizer, prompts, options, feedback, aligner: aligner);
            var metrics = trainer.Train();
            trainer.RestorePrecision();
            var artifacts = upstream with
            {
                Device = device, Policy = policy, Feedback = feedback, Aligner = aligner, Omega = trainer.FinalOmega,
                RlMetrics = metrics, LastStep = trainer.LastStep(),
            };
            return new R2MPolicyTransformer(context, artifacts, new R2MGenerationDefaults { MaxNewTokens = options.MaxNewTokens });
        }
        catch
        {
            aligner?.Dispose();
            policy.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Columns.RequireText(inputSchema, "prompt", Columns.Prompt);
        var shape = Columns.HasText(inputSchema, Columns.Chosen) && Columns.HasText(inputSchema, Columns.Rejected)
            ? SchemaRows.Shape<SchemaRows.Pair, SchemaRows.PairRewards>(context, inputSchema)
            : inputSchema;
        return Columns.HasText(inputSchema, Columns.Response)
            ? SchemaRows.Shape<SchemaRows.PromptResponse, SchemaRows.RewardOnly>(context, shape)
            : SchemaRows.Shape<R2MGraphInput, R2MGraphOutput>(context, shape);
    }
}
