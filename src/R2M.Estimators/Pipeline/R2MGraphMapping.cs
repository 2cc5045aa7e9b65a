using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace R2M.Estimators.Pipeline;

/// <summary>Input row of the ML.NET graph an R2M model zip holds.</summary>
public sealed class R2MGraphInput
{
    /// <summary>The prompt.</summary>
    public string Prompt { get; set; } = "";
}

/// <summary>Output row of the ML.NET graph an R2M model zip holds.</summary>
public sealed class R2MGraphOutput
{
    /// <summary>The generated response.</summary>
    public string Response { get; set; } = "";
    /// <summary>Its reward.</summary>
    public float Reward { get; set; }
}

/// <summary>
/// The stand-in ML.NET saves and restores for an R2M model (a CustomMapping transformer with a versioned
/// contract). Weights live in the same zip, but only <c>mlContext.R2M().LoadModel</c> reads them: a model
/// restored by a bare <c>mlContext.Model.Load</c> fails on first use with a message saying so.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class R2MGraphMapping : CustomMappingFactory<R2MGraphInput, R2MGraphOutput>
{
    /// <summary>The versioned contract. History: R2M.Model.v1 = first version.</summary>
    public const string ContractName = "R2M.Model.v1";

    /// <summary>The message of the failure on first use after a bare Model.Load.</summary>
    public const string BareLoadMessage =
        "This R2M model was restored by mlContext.Model.Load, which cannot read its weights. Load it with mlContext.R2M().LoadModel(path) instead " +
        "(LoadModel(path, out inputSchema) when the zip also holds other ML.NET transformers).";

    /// <inheritdoc />
    public override Action<R2MGraphInput, R2MGraphOutput> GetMapping() => Fail;

    internal static void Fail(R2MGraphInput input, R2MGraphOutput output) => throw new InvalidOperationException(BareLoadMessage);

    /// <summary>The stand-in transformer ML.NET saves for an R2M model, and the input schema it is saved with.</summary>
    internal static (ITransformer StandIn, DataViewSchema InputSchema) Create(MLContext context)
    {
        var input = context.Data.LoadFromEnumerable(new[] { new R2MGraphInput() });
        return (context.Transforms.CustomMapping<R2MGraphInput, R2MGraphOutput>(Fail, ContractName).Fit(input), input.Schema);
    }
}
