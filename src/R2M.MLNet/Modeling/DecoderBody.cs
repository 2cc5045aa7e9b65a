using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// A decoder stack without its output head: token ids in, last-layer hidden states after the final norm
/// out. GPT-2 and Llama/Qwen2 bodies derive from it; the causal LM and the reward model put heads on it.
/// </summary>
public abstract class DecoderBody : nn.Module
{
    /// <summary>Creates the body.</summary>
    protected DecoderBody(string name, CausalLMConfig config) : base(name)
    {
        config.Validate();
        Config = config;
    }

    /// <summary>The body's shape.</summary>
    public CausalLMConfig Config { get; }

    /// <summary>Name the checkpoint gives this body's keys: "transformer" (GPT-2) or "model" (Llama, Qwen2).</summary>
    public abstract string CheckpointPrefix { get; }

    /// <summary>The token embedding table (V, D), which a tied output head reuses.</summary>
    public abstract Tensor TokenEmbeddingWeight { get; }

    /// <summary>
    /// Runs the stack. <paramref name="inputIds"/> (B, T); <paramref name="attentionMask"/> (B, past + T) with 1
    /// for real tokens, or null; <paramref name="positionIds"/> (B, T) or null (derived from the mask);
    /// <paramref name="cache"/> continues from its past and is advanced by T. Returns (B, T, D).
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var context = AttentionContext.Create(inputIds, attentionMask, positionIds, cache, TokenEmbeddingWeight.dtype);
        var hidden = Run(inputIds, context);
        cache?.Advance((int)inputIds.shape[1]);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>The family-specific stack.</summary>
    protected abstract Tensor Run(Tensor inputIds, AttentionContext context);

    /// <summary>Creates the body for <paramref name="config"/>'s family.</summary>
    public static DecoderBody Create(CausalLMConfig config) => config.Family switch
    {
        ModelFamily.Gpt2 => new Gpt2Body(config),
        ModelFamily.Llama or ModelFamily.Qwen2 => new LlamaBody(config),
        _ => throw new NotSupportedException($"Model family {config.Family} is not supported."),
    };
}
