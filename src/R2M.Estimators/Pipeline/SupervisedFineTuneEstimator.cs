using Microsoft.ML;
using R2M.Estimators.Training;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Optional stage: supervised fine-tuning of the policy on Prompt → Chosen (or Prompt → Response), from
/// scratch or from a HuggingFace checkpoint. Makes the initial policy and its frozen reference.
/// </summary>
public sealed class SupervisedFineTuneEstimator : IEstimator<SupervisedFineTuneTransformer>
{
    private readonly MLContext context;
    private readonly SupervisedFineTuneOptions options;
    private readonly Device device;

    internal SupervisedFineTuneEstimator(MLContext context, SupervisedFineTuneOptions options, Device device)
    {
        options.Validate();
        this.context = context;
        this.options = options;
        this.device = device;
    }

    /// <inheritdoc />
    public SupervisedFineTuneTransformer Fit(IDataView input)
    {
        Columns.RequireText(input.Schema, "prompt", Columns.Prompt);
        if (!Columns.HasText(input.Schema, Columns.Chosen)) Columns.RequireText(input.Schema, "response", Columns.Response);
        return new SupervisedFineTuneTransformer(context, StageTraining.FineTune(input, options, device));
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Columns.RequireText(inputSchema, "prompt", Columns.Prompt);
        if (!Columns.HasText(inputSchema, Columns.Chosen)) Columns.RequireText(inputSchema, "response", Columns.Response);
        return inputSchema;
    }
}

/// <summary>The fine-tuned policy; passes data through unchanged and hands the policy to the next stage.</summary>
public sealed class SupervisedFineTuneTransformer : R2MStageTransformer
{
    internal SupervisedFineTuneTransformer(MLContext context, R2MArtifacts artifacts) : base(context, artifacts) { }

    /// <inheritdoc />
    public override string StageName => "SupervisedFineTune";

    private protected override IReadOnlyList<(string Name, Microsoft.ML.Data.DataViewType Type, Func<IDataView, Array> Compute)> Appended(DataViewSchema inputSchema) => [];
}
