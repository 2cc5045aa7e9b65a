using R2M.MLNet.Modeling;

namespace R2M.Tests.Runtime;

/// <summary>Tiny configs for fast tests.</summary>
internal static class TinyModels
{
    public static CausalLMConfig Gpt2 => CausalLMConfig.Gpt2(vocabSize: 50, hiddenSize: 16, numLayers: 2, numHeads: 2, maxPositions: 64);

    public static CausalLMConfig Llama => CausalLMConfig.Llama(vocabSize: 50, hiddenSize: 16, numLayers: 2, numHeads: 4,
        numKeyValueHeads: 2, intermediateSize: 32, maxPositions: 64);

    public static CausalLMConfig Qwen2 => Llama with { Family = ModelFamily.Qwen2, QkvBias = true, TieWordEmbeddings = true };

    public static IEnumerable<object[]> All() => [["gpt2"], ["llama"], ["qwen2"]];

    public static CausalLMConfig ByName(string name) => name switch
    {
        "gpt2" => Gpt2,
        "llama" => Llama,
        _ => Qwen2,
    };
}
