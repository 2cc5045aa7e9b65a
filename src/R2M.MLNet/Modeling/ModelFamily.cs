namespace R2M.MLNet.Modeling;

/// <summary>The decoder architectures R2M runs. All share <see cref="CausalLMConfig"/>.</summary>
public enum ModelFamily
{
    /// <summary>GPT-2: learned positions, LayerNorm, GELU (tanh), Conv1D-layout weights.</summary>
    Gpt2,
    /// <summary>Llama: RoPE, RMSNorm, SwiGLU, grouped-query attention.</summary>
    Llama,
    /// <summary>Qwen2: Llama's structure with a bias on the q, k and v projections.</summary>
    Qwen2,
}
