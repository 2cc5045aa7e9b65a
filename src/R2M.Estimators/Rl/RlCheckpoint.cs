using R2M.MLNet.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using R2M.MLNet;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// Saves and resumes everything an RL run holds: policy, reference, reward model (HuggingFace folders),
/// aligner and value head (safetensors), both optimizers' states, the aligner's replayed rollouts, the KL coefficient, the step and the data
/// cursor. Randomness derives from the seed and the step, so those restore the random-number state too.
/// The folder is written beside the target and moved into place: a failed save leaves the previous one, and a
/// save killed between its two moves leaves a complete copy that <see cref="Resume"/> moves back into place.
/// Every file is hashed (checksums.json, written last) and verified on resume.
/// </summary>
public static class RlCheckpoint
{
    /// <summary>Format name written to trainer_state.json.</summary>
    public const string Format = "r2m-rl-checkpoint";
    /// <summary>Format version. History: 1 = first version.</summary>
    public const int Version = 1;

    /// <summary>The kept rollouts of <see cref="PolicyFeedbackOptions.ReplaySteps"/> (only when it is above 0).</summary>
    private const string ReplayFile = "aligner_replay.safetensors";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Writes the checkpoint of <paramref name="trainer"/> to <paramref name="folder"/>.</summary>
    public static void Save(RlTrainer trainer, string folder)
    {
        string target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        string parent = Path.GetDirectoryName(target)!;
        StaleTemp.Sweep(parent, Path.GetFileName(target) + ".tmp-"); // copies a killed save left behind
        StaleTemp.Sweep(parent, Path.GetFileName(target) + ".old-");
        string temp = Path.Combine(parent, StaleTemp.Name(Path.GetFileName(target) + ".tmp-"));
        try
        {
            Directory.CreateDirectory(temp);
            HfCheckpoint.Save(trainer.Policy, Path.Combine(temp, "policy"), trainer.PolicyOptimizer.MasterWeights(trainer.Policy));
            HfCheckpoint.Save(trainer.Reference, Path.Combine(temp, "reference"));
            HfCheckpoint.Save(trainer.RewardModel, Path.Combine(temp, "reward_model"));
            if (trainer.Aligner is not null) Safetensors.Save(Path.Combine(temp, "aligner.safetensors"), trainer.Aligner.state_dict());
            if (trainer.ValueHead is not null) Safetensors.Save(Path.Combine(temp, "value_head.safetensors"), trainer.PolicyOptimizer.MasterWeights(trainer.ValueHead));
            SaveOptimizer(trainer.PolicyOptimizer.Optimizer, Path.Combine(temp, "policy_optimizer.bin"));
            if (trainer.AlignerOptimizer is not null) SaveOptimizer(trainer.AlignerOptimizer, Path.Combine(temp, "aligner_optimizer.bin"));
            if (trainer.Feedback.ReplaySteps > 0) trainer.AlignerReplay.Save(Path.Combine(temp, ReplayFile));
            var state = new JsonObject
            {
                ["format"] = Format, ["version"] = Version, ["step"] = trainer.Step, ["data_cursor"] = trainer.DataCursor,
                ["kl_coef"] = trainer.Kl.Value,
                ["options"] = JsonSerializer.SerializeToNode(trainer.Options, Json),
                ["feedback"] = JsonSerializer.SerializeToNode(trainer.Feedback, Json),
            };
            File.WriteAllText(Path.Combine(temp, "trainer_state.json"), state.ToJsonString(Json));
            RlCheckpointFiles.WriteChecksums(temp); // last: its presence marks the copy complete

            string old = Path.Combine(parent, StaleTemp.Name(Path.GetFileName(target) + ".old-"));
            if (Directory.Exists(target)) Directory.Move(target, old);
            Directory.Move(temp, target);
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// Rebuilds a trainer from <paramref name="folder"/>; it continues exactly where the saved one stood.
    /// <paramref name="rollouts"/> makes the rollout backend for the loaded policy (null: in this process; a learner
    /// on a cluster passes its cluster backend).
    /// </summary>
    public static RlTrainer Resume(string folder, ITextTokenizer tokenizer, IReadOnlyList<string> prompts, GoldJudge? judge = null,
        Device? device = null, ITextTokenizer? rewardTokenizer = null, Func<CausalLM, PolicyOptimizationOptions, IRolloutBackend>? rollouts = null)
    {
        RlCheckpointFiles.Recover(folder);
        string statePath = Path.Combine(folder, "trainer_state.json");
        if (!File.Exists(statePath)) throw new FileNotFoundException($"{folder} is not an R2M RL checkpoint: trainer_state.json is missing.", statePath);
        RlCheckpointFiles.Verify(folder);
        var state = RlTrainerState.Read(statePath, Json);
        var (options, feedback) = (state.Options, state.Feedback);

        var policy = HfCheckpoint.LoadCausalLM(Path.Combine(folder, "policy"), device: device);
        var reference = HfCheckpoint.LoadCausalLM(Path.Combine(folder, "reference"), device: device);
        var rewardModel = HfCheckpoint.LoadSequenceScoreModel(Path.Combine(folder, "reward_model"), device: device);
        var trainer = new RlTrainer(policy, reference, rewardModel, tokenizer, prompts, options with { GoldJudge = judge }, feedback, rewardTokenizer,
            rollouts: rollouts?.Invoke(policy, options));
        if (trainer.Aligner is not null) LoadInto(trainer.Aligner, Path.Combine(folder, "aligner.safetensors"));
        if (trainer.ValueHead is not null) LoadInto(trainer.ValueHead, Path.Combine(folder, "value_head.safetensors"));
        LoadOptimizer(trainer.PolicyOptimizer.Optimizer, Path.Combine(folder, "policy_optimizer.bin"), options.Algorithm);
        if (trainer.AlignerOptimizer is not null) LoadOptimizer(trainer.AlignerOptimizer, Path.Combine(folder, "aligner_optimizer.bin"), options.Algorithm);
        if (feedback.ReplaySteps > 0)
        {
            string replay = Path.Combine(folder, ReplayFile);
            if (!File.Exists(replay)) throw new R2MModelFormatException(replay, null, "missing: the checkpoint's aligner replays earlier steps but their rollouts were not saved");
            trainer.AlignerReplay.Load(replay, rewardModel.Head.weight!.device, rewardModel.Config.HiddenSize, policy.Config.HiddenSize);
        }
        trainer.Kl.Value = state.KlCoef;
        trainer.Step = state.Step;
        return trainer;
    }

    private static void LoadInto(nn.Module module, string path)
    {
        var weights = Safetensors.Load(path);
        try
        {
            var expected = module.state_dict();
            var missing = expected.Keys.Except(weights.Keys).ToList();
            var unexpected = weights.Keys.Except(expected.Keys).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new R2MModelFormatException(path, null, $"missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
            using var noGrad = no_grad();
            foreach (var (key, tensor) in expected) tensor.copy_(weights[key]);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    private static void SaveOptimizer(TorchSharp.Modules.OptimizerHelper optimizer, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });

    private static void LoadOptimizer(TorchSharp.Modules.OptimizerHelper optimizer, string path, RlAlgorithm algorithm)
    {
        if (!File.Exists(path)) throw new R2MModelFormatException(path, null, "missing: the checkpoint is incomplete");
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            throw new R2MModelFormatException(path, null,
                $"the optimizer state does not fit this {algorithm} trainer's parameters (saved by another algorithm or model shape, or damaged): {e.Message}", e);
        }
    }
}
