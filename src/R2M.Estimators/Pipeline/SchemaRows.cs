using Microsoft.ML;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Row classes that describe what R2M stages read and add. ML.NET's CustomMapping estimator over them computes
/// the output <see cref="SchemaShape"/> before Fit (third-party code cannot build schema shapes directly).
/// </summary>
internal static class SchemaRows
{
    public sealed class PromptResponse { public string Prompt { get; set; } = ""; public string Response { get; set; } = ""; }
    public sealed class RewardOnly { public float Reward { get; set; } }
    public sealed class Pair { public string Prompt { get; set; } = ""; public string Chosen { get; set; } = ""; public string Rejected { get; set; } = ""; }
    public sealed class Nothing { }
    public sealed class PairWithMargin { public string Prompt { get; set; } = ""; public string Chosen { get; set; } = ""; public string Rejected { get; set; } = ""; public float Margin { get; set; } }
    public sealed class PairRewards { public float ChosenReward { get; set; } public float RejectedReward { get; set; } }

    /// <summary>The shape after a mapping that reads TIn's columns and adds TOut's.</summary>
    public static SchemaShape Shape<TIn, TOut>(MLContext context, SchemaShape input)
        where TIn : class, new() where TOut : class, new() =>
        context.Transforms.CustomMapping<TIn, TOut>((_, _) => { }, contractName: null).GetOutputSchema(input);
}
