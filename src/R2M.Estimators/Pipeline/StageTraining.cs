using Microsoft.ML;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>The training each stage runs, shared by stages that may have to stand in for an earlier one.</summary>
internal static class StageTraining
{
    /// <summary>
    /// Artifacts from the view the previous stage returned, or null when no R2M stage came before. When an R2M
    /// stage came before but another transform stands between (its view hides the models), throws an error that
    /// names both stages and how to fix the pipeline: a stage never quietly starts from scratch.
    /// </summary>
    public static R2MArtifacts? Upstream(IDataView input, string stage)
    {
        if (input is R2MDataView view) return view.Artifacts;
        if (R2MDataView.MarkedStage(input.Schema) is string before)
            throw new InvalidOperationException(
                $"The {stage} stage needs the models of the {before} stage before it, but the data it received came through another transform " +
                $"placed between {before} and {stage}, which does not carry them. Put the R2M stages next to each other in the chain " +
                $"(ML.NET transforms before the first R2M stage or after the last), or give {stage} its models by path in its options.");
        return null;
    }

    /// <summary>Preference pairs of the input (Prompt, Chosen, Rejected, optional Margin).</summary>
    public static IReadOnlyList<PreferencePair> Pairs(IDataView input)
    {
        var prompts = Columns.ReadText(input, "prompt", Columns.Prompt);
        var chosen = Columns.ReadText(input, "chosen", Columns.Chosen);
        var rejected = Columns.ReadText(input, "rejected", Columns.Rejected);
        var margins = Columns.ReadSingleOrNull(input, Columns.Margin);
        return Enumerable.Range(0, prompts.Length).Select(i => new PreferencePair(prompts[i], chosen[i], rejected[i], margins?[i] ?? 0f)).ToList();
    }

    /// <summary>Supervised fine-tuning on Prompt → Chosen (or Prompt → Response): the policy and its frozen reference.</summary>
    public static R2MArtifacts FineTune(IDataView input, SupervisedFineTuneOptions options, Device device)
    {
        var prompts = Columns.ReadText(input, "prompt", Columns.Prompt);
        string responseColumn = Columns.HasText(input.Schema, Columns.Chosen) ? Columns.Chosen : Columns.Response;
        var responses = Columns.ReadText(input, "response", responseColumn);
        var all = prompts.Zip(responses, (p, r) => new PreferencePair(p, r, r)).ToList();
        var (train, validation) = PreferenceSplit.ByPromptHash(all, options.ValidationFraction);

        TokenizerSpec spec;
        CausalLM policy;
        if (options.PolicyPath is string path)
        {
            spec = TokenizerSpec.FromHuggingFaceFolder(path);
            policy = HfCheckpoint.LoadCausalLM(path, device: device);
        }
        else
        {
            spec = options.Tokenizer ?? TokenizerSpec.ByteLevel;
            policy = PolicyFactory.FromScratch(spec.Create(), options.PolicySize, options.Seed, device);
        }
        var tokenizer = spec.Create();
        SupervisedFineTuner.Train(policy, tokenizer,
            train.Select(p => (p.Prompt, p.Chosen)).ToList(), validation.Select(p => (p.Prompt, p.Chosen)).ToList(), options);
        return new R2MArtifacts
        {
            TokenizerSpec = spec, Tokenizer = tokenizer, Device = device, Policy = policy, Reference = PolicyFactory.Clone(policy),
        };
    }

    /// <summary>Artifacts with a policy: upstream's, the given checkpoint's, or a from-scratch SFT on the input.</summary>
    public static R2MArtifacts EnsurePolicy(IDataView input, R2MArtifacts? upstream, string? policyPath, Device device)
    {
        if (upstream?.Policy is not null) return upstream;
        if (policyPath is not null)
        {
            var spec = TokenizerSpec.FromHuggingFaceFolder(policyPath);
            var policy = HfCheckpoint.LoadCausalLM(policyPath, device: device);
            return new R2MArtifacts { TokenizerSpec = spec, Tokenizer = spec.Create(), Device = device, Policy = policy, Reference = PolicyFactory.Clone(policy) };
        }
        return FineTune(input, new SupervisedFineTuneOptions(), device);
    }
}
