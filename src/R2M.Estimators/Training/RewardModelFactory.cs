using R2M.MLNet.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Training;

/// <summary>Where a reward model's body comes from: the policy (default) or a HuggingFace checkpoint.</summary>
public static class RewardModelFactory
{
    /// <summary>A reward model whose body is a copy of <paramref name="policy"/>'s and whose score head is new.</summary>
    public static SequenceScoreModel FromPolicy(CausalLM policy)
    {
        var body = DecoderBody.Create(policy.Config);
        var model = new SequenceScoreModel(body);
        using (no_grad())
        {
            var source = policy.Body.state_dict();
            foreach (var (key, tensor) in body.state_dict()) tensor.copy_(source[key]);
        }
        model.to(policy.Body.TokenEmbeddingWeight.device);
        return model;
    }

    /// <summary>
    /// A reward model from a HuggingFace folder: a <c>*ForSequenceClassification</c> checkpoint loads whole;
    /// a causal-LM checkpoint gives the body and a new score head.
    /// </summary>
    public static SequenceScoreModel FromCheckpoint(string folder, Device? device = null)
    {
        if (HfCheckpoint.WeightNames(folder).Contains("score.weight")) return HfCheckpoint.LoadSequenceScoreModel(folder, device: device);
        using var policy = HfCheckpoint.LoadCausalLM(folder, device: device);
        return FromPolicy(policy);
    }
}
