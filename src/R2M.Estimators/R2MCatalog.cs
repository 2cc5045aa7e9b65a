using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Native;
using R2M.MLNet.Persistence;
using static TorchSharp.torch;

namespace R2M.Estimators;

/// <summary>
/// The R2M catalog on an <see cref="MLContext"/>: <c>mlContext.R2M()</c>. Getting it is the first use of
/// R2M: it checks that libtorch loads (throwing <see cref="TorchNativeLoadException"/> with the real cause),
/// resolves the device from <see cref="MLContext.GpuDeviceId"/> and <see cref="MLContext.FallbackToCpu"/>,
/// and registers R2M with ML.NET's component catalog.
/// </summary>
public sealed class R2MCatalog
{
    internal R2MCatalog(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TorchRuntime.EnsureLoaded();
        Context = context;
        Device = R2MDevice.Resolve(context);
        context.ComponentCatalog.RegisterAssembly(typeof(R2MGraphMapping).Assembly);
    }

    /// <summary>The ML.NET context this catalog belongs to.</summary>
    public MLContext Context { get; }

    /// <summary>Where models train and run: the CPU, or cuda:{MLContext.GpuDeviceId}.</summary>
    public Device Device { get; }

    /// <summary>Reads preference files into Prompt, Chosen, Rejected and Margin columns.</summary>
    public PreferenceLoaderEstimator PreferenceLoader(PreferenceLoaderOptions options) => new(Context, options);

    /// <summary>Reads preference files into Prompt, Chosen, Rejected and Margin columns.</summary>
    /// <param name="format">The file format; Auto detects it from the extension and the first record.</param>
    /// <param name="skipInvalid">Skip and count invalid records instead of failing on the first.</param>
    public PreferenceLoaderEstimator PreferenceLoader(PreferenceFormat format = PreferenceFormat.Auto, bool skipInvalid = false) =>
        PreferenceLoader(new PreferenceLoaderOptions { Format = format, SkipInvalid = skipInvalid });

    /// <summary>Optional stage: supervised fine-tuning of the policy on Prompt → Chosen.</summary>
    public SupervisedFineTuneEstimator SupervisedFineTune(SupervisedFineTuneOptions options) => new(Context, options, Device);

    /// <summary>Optional stage: supervised fine-tuning of the policy on Prompt → Chosen.</summary>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="policyPath">HuggingFace folder of a policy; null trains one from scratch.</param>
    /// <param name="learningRate">AdamW learning rate.</param>
    public SupervisedFineTuneEstimator SupervisedFineTune(int epochs = 3, string? policyPath = null, double learningRate = 1e-3) =>
        SupervisedFineTune(new SupervisedFineTuneOptions { Epochs = epochs, PolicyPath = policyPath, LearningRate = learningRate });

    /// <summary>Stage: the reward model, trained with the Bradley–Terry loss.</summary>
    public RewardModelEstimator RewardModel(RewardModelOptions options) => new(Context, options, Device);

    /// <summary>Stage: the reward model, trained with the Bradley–Terry loss.</summary>
    /// <param name="epochs">Most passes over the pairs (early stopping may end sooner).</param>
    /// <param name="learningRate">AdamW learning rate.</param>
    /// <param name="checkpointPath">HuggingFace folder for the body (null: the policy's body).</param>
    public RewardModelEstimator RewardModel(int epochs = 2, double learningRate = 5e-4, string? checkpointPath = null) =>
        RewardModel(new RewardModelOptions { Epochs = epochs, LearningRate = learningRate, CheckpointPath = checkpointPath });

    /// <summary>Stage: R2M's policy-feedback aligner for the RL stage that follows.</summary>
    public PolicyFeedbackAlignerEstimator PolicyFeedbackAligner(PolicyFeedbackOptions options) => new(Context, options, Device);

    /// <summary>Stage: R2M's policy-feedback aligner for the RL stage that follows.</summary>
    /// <param name="omega">Ω, the floor of the weight on the reward model's own embedding.</param>
    /// <param name="alpha">α, the weight of group reward entropy in GREBT.</param>
    /// <param name="mode">R2M, or one of the paper's comparison variants.</param>
    public PolicyFeedbackAlignerEstimator PolicyFeedbackAligner(double omega = 0.6, double alpha = 0.3, AlignerMode mode = AlignerMode.R2M) =>
        PolicyFeedbackAligner(new PolicyFeedbackOptions { Omega = omega, Alpha = alpha, Mode = mode });

    /// <summary>Stage: RL fine-tuning with PPO, RLOO or GRPO (<see cref="PolicyOptimizationOptions.Algorithm"/>).</summary>
    public PolicyOptimizationEstimator Ppo(PolicyOptimizationOptions options) => new(Context, options, Device);

    /// <summary>Stage: RL fine-tuning with PPO, RLOO or GRPO.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <param name="steps">RL steps.</param>
    /// <param name="samplesPerPrompt">Group size K.</param>
    public PolicyOptimizationEstimator Ppo(RlAlgorithm algorithm = RlAlgorithm.Rloo, int steps = 100, int samplesPerPrompt = 4) =>
        Ppo(new PolicyOptimizationOptions { Algorithm = algorithm, Steps = steps, SamplesPerPrompt = samplesPerPrompt });

    /// <summary>
    /// Evaluates a reward model on preference pairs, as <c>mlContext.BinaryClassification.Evaluate</c> evaluates a
    /// classifier: pass the view an R2M model's <c>Transform</c> returns for Prompt, Chosen and Rejected columns
    /// (<c>r2m.EvaluateRewardModel(model.Transform(pairs))</c>). The metrics are those of the trainer's validation.
    /// </summary>
    /// <param name="data">Scored pairs: a chosen and a rejected reward column (Single), optionally a margin column.</param>
    /// <param name="chosenRewardColumnName">The reward of prompt + chosen response.</param>
    /// <param name="rejectedRewardColumnName">The reward of prompt + rejected response.</param>
    public PreferenceMetrics EvaluateRewardModel(IDataView data, string chosenRewardColumnName = Columns.ChosenReward,
        string rejectedRewardColumnName = Columns.RejectedReward) =>
        EvaluateRewardModel(data, new RewardModelEvaluationOptions { ChosenRewardColumnName = chosenRewardColumnName, RejectedRewardColumnName = rejectedRewardColumnName });

    /// <summary>Evaluates a reward model on scored preference pairs; column names from <paramref name="options"/>.</summary>
    public PreferenceMetrics EvaluateRewardModel(IDataView data, RewardModelEvaluationOptions options) => RewardModelEvaluation.Evaluate(data, options);

    /// <summary>
    /// Saves a fitted R2M pipeline (a fitted chain, its loader, or one stage) as one ML.NET model zip: ML.NET's
    /// graph, the weights, configs, tokenizer and a manifest with SHA-256 hashes. Written atomically. A chain that
    /// also holds other ML.NET transformers (before the first R2M stage or after the last) is saved whole, those
    /// transformers by ML.NET's own serialisation; load it with <see cref="LoadModel(string, out DataViewSchema)"/>.
    /// The chain's R2M stages are saved as the one servable model of the last of them. A transformer that cannot
    /// be saved is refused with its position and type, and nothing is written.
    /// </summary>
    public void SaveModel(ITransformer model, string path) => SaveModel(model, null, path);

    /// <summary>
    /// <see cref="SaveModel(ITransformer, string)"/> with the schema of the data the model reads, saved with it as
    /// <c>mlContext.Model.Save</c> does. Null means a Prompt column, and is refused when the chain starts with
    /// another transformer (pass the schema of the data that transformer reads).
    /// </summary>
    public void SaveModel(ITransformer model, DataViewSchema? inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var leaves = R2MChainGraph.Flatten(model);
        var (graph, stage, _) = R2MChainGraph.Plan(Context, leaves);
        var schema = R2MChainGraph.InputSchema(Context, leaves, inputSchema);
        Write(stage is R2MPolicyTransformer policy ? policy.Model : stage.Artifacts.ToServingModel(), graph, schema, path);
    }

    /// <summary>Saves a servable model (policy, tokenizer, reward model, aligner) as an R2M model zip.</summary>
    public void SaveModel(R2M.MLNet.Serving.R2MModel model, string path)
    {
        var (standIn, schema) = R2MGraphMapping.Create(Context);
        Write(model, standIn, schema, path);
    }

    /// <summary>Saves a pipeline fitted from a <see cref="PreferenceLoader(PreferenceLoaderOptions)"/> chain.</summary>
    public void SaveModel<TLast>(CompositeDataLoader<IMultiStreamSource, TLast> model, string path) where TLast : class, ITransformer =>
        SaveModel(model.Transformer, path);

    private void Write(R2M.MLNet.Serving.R2MModel model, ITransformer graph, DataViewSchema inputSchema, string path)
    {
        using var graphZip = new MemoryStream();
        Context.Model.Save(graph, inputSchema, graphZip);
        R2MModelArchive.Save(model, graphZip.ToArray(), path);
    }

    /// <summary>
    /// Loads a model zip written by <see cref="SaveModel(ITransformer, string)"/> after verifying its manifest;
    /// the result generates and scores exactly as the saved model did. A zip that holds a chain with other ML.NET
    /// transformers is refused here (it would lose them): load it with <see cref="LoadModel(string, out DataViewSchema)"/>.
    /// </summary>
    public R2MPolicyTransformer LoadModel(string path)
    {
        var loaded = LoadModel(path, out _);
        return loaded as R2MPolicyTransformer ?? throw R2MChainGraph.ChainRefused(path, loaded);
    }

    /// <summary>
    /// Loads a model zip as <c>mlContext.Model.Load</c> would, with the R2M weights: the R2M model alone (an
    /// <see cref="R2MPolicyTransformer"/>) or the whole saved chain, with the same columns and values as before
    /// saving; <paramref name="inputSchema"/> is the schema saved with it.
    /// </summary>
    public ITransformer LoadModel(string path, out DataViewSchema inputSchema)
    {
        var entries = R2MModelArchive.ReadGraph(path);
        return R2MChainGraph.Restore(Context, entries, () => LoadPolicy(path), out inputSchema);
    }

    private R2MPolicyTransformer LoadPolicy(string path)
    {
        var model = R2MModelArchive.Load(path, Device);
        var artifacts = new R2MArtifacts
        {
            TokenizerSpec = model.TokenizerSpec, Tokenizer = model.Tokenizer, Device = Device,
            Policy = model.Policy, RewardModel = model.RewardModel,
            Aligner = model.Aligner, Omega = model.Omega,
        };
        return new R2MPolicyTransformer(Context, artifacts, model);
    }
}

/// <summary>Extension methods that expose R2M on <see cref="MLContext"/>.</summary>
public static class R2MMLContextExtensions
{
    /// <summary>The R2M catalog: preference loading, fine-tuning, reward model, policy-feedback aligner, RL, model zips.</summary>
    /// <param name="context">The ML.NET context.</param>
    public static R2MCatalog R2M(this MLContext context) => new(context);
}
