using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Stage: trains the reward model with the Bradley–Terry loss on Prompt, Chosen, Rejected (and Margin),
/// validating on prompts held out by hash. Without an earlier policy it fine-tunes one first.
/// </summary>
public sealed class RewardModelEstimator : IEstimator<RewardModelTransformer>
{
    private readonly MLContext context;
    private readonly RewardModelOptions options;
    private readonly Device device;

    internal RewardModelEstimator(MLContext context, RewardModelOptions options, Device device)
    {
        options.Validate();
        this.context = context;
        this.options = options;
        this.device = device;
    }

    /// <inheritdoc />
    public RewardModelTransformer Fit(IDataView input)
    {
        var pairs = StageTraining.Pairs(input);
        var upstream = StageTraining.EnsurePolicy(input, StageTraining.Upstream(input, "RewardModel"), options.PolicyPath, device);
        var rewardModel = options.CheckpointPath is string path
            ? RewardModelFactory.FromCheckpoint(path, device)
            : RewardModelFactory.FromPolicy(upstream.Policy!);
        var (train, validation) = PreferenceSplit.ByPromptHash(pairs, options.ValidationFraction);
        var reports = RewardModelTrainer.Train(rewardModel, upstream.Tokenizer, train, validation, options);
        var artifacts = upstream with { Device = device, RewardModel = rewardModel, Feedback = null, Aligner = null, Omega = 1.0 };
        return new RewardModelTransformer(context, artifacts, options.MaxLength, reports);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var (role, name) in new[] { ("prompt", Columns.Prompt), ("chosen", Columns.Chosen), ("rejected", Columns.Rejected) })
            Columns.RequireText(inputSchema, role, name);
        return SchemaRows.Shape<SchemaRows.Pair, SchemaRows.PairRewards>(context, inputSchema);
    }
}

/// <summary>
/// The trained reward model. Transform adds ChosenReward and RejectedReward where the input has Chosen and
/// Rejected, and Reward where it has Response (vanilla scores, read at the EOS ending prompt + response).
/// </summary>
public sealed class RewardModelTransformer : R2MStageTransformer
{
    private readonly int maxLength;

    internal RewardModelTransformer(MLContext context, R2MArtifacts artifacts, int maxLength, IReadOnlyList<RewardModelEpochReport> reports)
        : base(context, artifacts)
    {
        this.maxLength = maxLength;
        Reports = reports;
    }

    /// <summary>One report per training epoch, with validation accuracy, loss, margin and calibration.</summary>
    public IReadOnlyList<RewardModelEpochReport> Reports { get; }

    /// <summary>Held-out metrics of the kept weights (null without validation data).</summary>
    public PreferenceMetrics? Validation => Reports.Where(r => r.IsBest).Select(r => r.Validation).LastOrDefault();

    /// <inheritdoc />
    public override string StageName => "RewardModel";

    private protected override IReadOnlyList<(string Name, DataViewType Type, Func<IDataView, Array> Compute)> Appended(DataViewSchema inputSchema)
    {
        var columns = new List<(string, DataViewType, Func<IDataView, Array>)>();
        if (Columns.HasText(inputSchema, Columns.Prompt) && Columns.HasText(inputSchema, Columns.Chosen) && Columns.HasText(inputSchema, Columns.Rejected))
        {
            columns.Add((Columns.ChosenReward, NumberDataViewType.Single, view => Score(view, Columns.Chosen)));
            columns.Add((Columns.RejectedReward, NumberDataViewType.Single, view => Score(view, Columns.Rejected)));
        }
        if (Columns.HasText(inputSchema, Columns.Prompt) && Columns.HasText(inputSchema, Columns.Response))
            columns.Add((Columns.Reward, NumberDataViewType.Single, view => Score(view, Columns.Response)));
        return columns;
    }

    private float[] Score(IDataView view, string responseColumn)
    {
        var prompts = Columns.ReadText(view, "prompt", Columns.Prompt);
        var responses = Columns.ReadText(view, "response", responseColumn);
        var scores = new float[prompts.Length];
        var model = Artifacts.RewardModel!;
        using var noGrad = no_grad();
        for (int start = 0; start < prompts.Length; start += 16)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(16, prompts.Length - start);
            var texts = Enumerable.Range(start, n).Select(i => (prompts[i], responses[i])).ToList();
            RewardModelTrainer.ScoreTexts(model, Artifacts.Tokenizer, texts, maxLength).to_type(ScalarType.Float32).data<float>().ToArray().CopyTo(scores, start);
        }
        return scores;
    }
}
