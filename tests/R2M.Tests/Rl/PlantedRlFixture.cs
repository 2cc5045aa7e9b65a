using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>
/// A planted RL task: the reward model learned to prefer responses with more letters 'a'; the gold judge
/// counts them. Trained once per test run; each test gets fresh copies of the models.
/// </summary>
internal static class PlantedRlFixture
{
    public static readonly ByteLevelTokenizer Tokenizer = new();
    public static readonly string[] Prompts = ["write:", "say:", "go:", "now:", "text:", "more:", "next:", "hello:"];
    private static readonly Lazy<Dictionary<string, Tensor>> RewardWeights = new(TrainRewardModel);

    public static double Gold(string prompt, string response) => response.Count(c => c == 'a');

    public static CausalLMConfig PolicyConfig => CausalLMConfig.Llama(Tokenizer.VocabSize, 32, 2, 4, 2, 64, 64, tieWordEmbeddings: true);

    public static CausalLMConfig RewardConfig => CausalLMConfig.Llama(Tokenizer.VocabSize, 32, 2, 4, 2, 64, 64);

    public static SequenceScoreModel RewardModel()
    {
        TorchRuntime.EnsureLoaded();
        var weights = RewardWeights.Value; // trains on first use, outside the no_grad below
        var model = new SequenceScoreModel(RewardConfig);
        using var noGrad = no_grad();
        foreach (var (key, tensor) in model.state_dict()) tensor.copy_(weights[key]);
        model.eval();
        return model;
    }

    public static (CausalLM Policy, CausalLM Reference) Policies(int seed)
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(seed);
        var policy = new CausalLM(PolicyConfig);
        return (policy, PolicyFactory.Clone(policy));
    }

    public static RlTrainer Trainer(PolicyOptimizationOptions options, PolicyFeedbackOptions feedback, int seed = 1)
    {
        var (policy, reference) = Policies(seed);
        return new RlTrainer(policy, reference, RewardModel(), Tokenizer, Prompts, options with { GoldJudge = options.GoldJudge ?? Gold }, feedback);
    }

    public static PolicyOptimizationOptions Options(RlAlgorithm algorithm, int steps = 30) => new()
    {
        Algorithm = algorithm, Steps = steps, PromptsPerStep = 4, SamplesPerPrompt = 4, MaxNewTokens = 10,
        Temperature = 1.0, LearningRate = 3e-3, PolicyEpochs = 2, MiniBatches = 2, KlMode = KlMode.InReward, KlCoefficient = 0.01,
    };

    private static Dictionary<string, Tensor> TrainRewardModel()
    {
        TorchRuntime.EnsureLoaded();
        manual_seed(1234);
        var random = new Random(1234);
        string Text(int aCount)
        {
            var chars = Enumerable.Range(0, 10).Select(_ => (char)random.Next('b', 'z' + 1)).ToList();
            for (int i = 0; i < aCount; i++) chars[random.Next(chars.Count)] = 'a';
            return new string([.. chars]);
        }
        var pairs = Enumerable.Range(0, 384).Select(i =>
        {
            int fewer = random.Next(0, 4);
            return new PreferencePair(Prompts[i % Prompts.Length], Text(fewer + random.Next(1, 5)), Text(fewer));
        }).ToList();
        using var model = new SequenceScoreModel(RewardConfig);
        RewardModelTrainer.Train(model, Tokenizer, pairs, [], new RewardModelOptions
        {
            Epochs = 4, BatchSize = 16, LearningRate = 3e-3, MaxLength = 32, EarlyStoppingPatience = 0,
        });
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }
}
