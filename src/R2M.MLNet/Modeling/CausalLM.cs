using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// A decoder body with a language-model head: the policy and the reference model. State-dict keys are
/// exactly HuggingFace's (<c>transformer.*</c> for GPT-2, <c>model.*</c> and <c>lm_head.weight</c> for
/// Llama/Qwen2; no <c>lm_head</c> when the head is tied to the token embedding).
/// </summary>
public sealed class CausalLM : nn.Module
{
    private readonly DecoderBody body;
    private readonly Linear? lmHead; // D -> V, absent when tied

    /// <summary>Creates a randomly initialised model.</summary>
    public CausalLM(CausalLMConfig config) : base(nameof(CausalLM))
    {
        body = DecoderBody.Create(config);
        register_module(body.CheckpointPrefix, body);
        if (!config.TieWordEmbeddings)
        {
            lmHead = LlamaAttention.Init(nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false));
            register_module("lm_head", lmHead);
        }
    }

    /// <summary>The model's shape.</summary>
    public CausalLMConfig Config => body.Config;

    /// <summary>The decoder stack.</summary>
    public DecoderBody Body => body;

    /// <summary>Last-layer hidden states after the final norm (B, T, D); see <see cref="DecoderBody.Forward"/>.</summary>
    public Tensor ForwardHidden(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null) =>
        body.Forward(inputIds, attentionMask, positionIds, cache);

    /// <summary>Logits (.., V) for hidden states (.., D).</summary>
    public Tensor Logits(Tensor hidden) => lmHead is null
        ? nn.functional.linear(hidden, body.TokenEmbeddingWeight)
        : lmHead.forward(hidden);

    /// <summary>Logits (B, T, V) and last-layer hidden states (B, T, D) in one pass.</summary>
    public (Tensor Logits, Tensor Hidden) Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null)
    {
        var hidden = ForwardHidden(inputIds, attentionMask, positionIds, cache);
        return (Logits(hidden), hidden);
    }

    /// <summary>The transformers class name this model saves as.</summary>
    public string Architecture => Config.Family switch
    {
        ModelFamily.Gpt2 => "GPT2LMHeadModel",
        ModelFamily.Llama => "LlamaForCausalLM",
        _ => "Qwen2ForCausalLM",
    };
}
