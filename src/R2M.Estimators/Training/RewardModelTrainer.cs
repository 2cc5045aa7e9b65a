using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using R2M.MLNet.Training;
using TorchSharp;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Estimators.Training;

/// <summary>One epoch of reward-model training.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean Bradley–Terry loss over the epoch's steps.</param>
/// <param name="TrainAccuracy">Fraction of training pairs ordered correctly during the epoch.</param>
/// <param name="Validation">Held-out metrics after the epoch (null without validation data).</param>
/// <param name="IsBest">Whether this epoch has the lowest validation loss so far (its weights are kept).</param>
public sealed record RewardModelEpochReport(int Epoch, double TrainLoss, double TrainAccuracy, PreferenceMetrics? Validation, bool IsBest);

/// <summary>
/// Trains a <see cref="SequenceScoreModel"/> on preference pairs: each pair is scored at the EOS that ends
/// prompt + response, and the loss is −log σ(r_c − r_r − margin), optionally with reward centering.
/// Validation after every epoch, early stopping on validation loss, best weights restored at the end.
/// </summary>
public static class RewardModelTrainer
{
    /// <summary>Trains <paramref name="model"/> in place.</summary>
    public static IReadOnlyList<RewardModelEpochReport> Train(SequenceScoreModel model, ITextTokenizer tokenizer,
        IReadOnlyList<PreferencePair> train, IReadOnlyList<PreferencePair> validation, RewardModelOptions options,
        CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new ArgumentException("Reward-model training needs at least one pair.", nameof(train));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, options.CancellationToken);
        cancellationToken = linked.Token;
        cancellationToken.ThrowIfCancellationRequested();
        var encoded = train.Select(p => Encode(new SequenceCodec(tokenizer), p, options.MaxLength)).ToArray();
        // Trains the parameters that require gradients; disposed last: with bf16 it hands the model back in float32.
        using var optimizer = MasterWeightOptimizer.AdamW([model], options.MixedPrecision, options.LearningRate, options.WeightDecay);
        var random = new Random(options.Seed);
        var reports = new List<RewardModelEpochReport>();
        WeightSnapshot? best = null;
        double bestLoss = double.PositiveInfinity;
        int sinceBest = 0;
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                model.train();
                double lossSum = 0;
                int steps = 0, right = 0;
                foreach (var batch in Minibatches.Shuffled(encoded.Length, options.BatchSize, random))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    optimizer.ZeroGrad();
                    var (chosen, rejected, margin) = ScorePairs(model, tokenizer, batch.Select(i => encoded[i]).ToList());
                    var loss = BradleyTerry.Loss(chosen, rejected, margin);
                    if (options.CenterRewardsCoefficient > 0)
                    {
                        using var center = options.CenterRewardsCoefficient.ToScalar();
                        loss = loss.Plus(chosen.Plus(rejected).pow(TorchScalars.Two).mean().mul(center));
                    }
                    double value = TrainingGuard.Finite(loss.item<float>(), "reward model", epoch, steps + 1, "loss");
                    loss.backward();
                    optimizer.Step(options.MaxGradNorm);
                    lossSum += value;
                    right += (int)chosen.gt(rejected).sum().item<long>();
                    steps++;
                }
                PreferenceMetrics? metrics = validation.Count == 0 ? null : Evaluate(model, tokenizer, validation, options.MaxLength, options.BatchSize);
                double watched = metrics?.Loss ?? lossSum / steps;
                bool isBest = watched < bestLoss;
                if (isBest)
                {
                    bestLoss = watched;
                    sinceBest = 0;
                    best?.Dispose();
                    best = optimizer.Snapshot();
                }
                else
                {
                    sinceBest++;
                }
                var report = new RewardModelEpochReport(epoch, lossSum / steps, (double)right / encoded.Length, metrics, isBest);
                reports.Add(report);
                options.Progress?.Report(report);
                if (options.EarlyStoppingPatience > 0 && sinceBest >= options.EarlyStoppingPatience) break;
            }
            if (best is not null) optimizer.Load(best);
        }
        finally
        {
            best?.Dispose();
            model.eval();
        }
        return reports;
    }

    /// <summary>Held-out accuracy, mean margin, loss and calibration of <paramref name="model"/> on <paramref name="pairs"/>.</summary>
    public static PreferenceMetrics Evaluate(SequenceScoreModel model, ITextTokenizer tokenizer, IReadOnlyList<PreferencePair> pairs, int maxLength, int batchSize = 16)
    {
        var encoded = pairs.Select(p => Encode(new SequenceCodec(tokenizer), p, maxLength)).ToArray();
        var chosen = new List<double>();
        var rejected = new List<double>();
        model.eval();
        using var noGrad = no_grad();
        foreach (var batch in Minibatches.Ordered(encoded.Length, batchSize))
        {
            using var scope = NewDisposeScope();
            var (c, r, _) = ScorePairs(model, tokenizer, batch.Select(i => encoded[i]).ToList());
            chosen.AddRange(c.to_type(ScalarType.Float64).data<double>().ToArray());
            rejected.AddRange(r.to_type(ScalarType.Float64).data<double>().ToArray());
        }
        return PreferenceMetrics.From(chosen, rejected, pairs.Select(p => (double)p.Margin).ToList());
    }

    /// <summary>Scores (B) of texts: each prompt + response is encoded, ended with EOS, and scored at that EOS.</summary>
    public static Tensor ScoreTexts(SequenceScoreModel model, ITextTokenizer tokenizer, IReadOnlyList<(string Prompt, string Response)> texts, int maxLength)
    {
        Device device = model.Body.TokenEmbeddingWeight.device;
        var batch = new SequenceCodec(tokenizer).EncodeBatch(texts, maxLength, device);
        return model.Score(batch.Ids, batch.Mask).Scores[.., 0];
    }

    private sealed record EncodedPair(EncodedSequence Chosen, EncodedSequence Rejected, float Margin);

    private static EncodedPair Encode(SequenceCodec codec, PreferencePair pair, int maxLength) =>
        new(codec.Encode(pair.Prompt, pair.Chosen, maxLength), codec.Encode(pair.Prompt, pair.Rejected, maxLength), pair.Margin);

    /// <summary>One forward over chosen and rejected sequences together: scores (B), (B) and margins (B).</summary>
    private static (Tensor Chosen, Tensor Rejected, Tensor Margin) ScorePairs(SequenceScoreModel model, ITextTokenizer tokenizer, IReadOnlyList<EncodedPair> pairs)
    {
        Device device = model.Body.TokenEmbeddingWeight.device;
        var sequences = pairs.Select(p => p.Chosen).Concat(pairs.Select(p => p.Rejected)).ToList();
        var batch = new SequenceCodec(tokenizer).RightPad(sequences, device);
        var scores = model.Score(batch.Ids, batch.Mask).Scores[.., 0].to_type(ScalarType.Float32); // (2B)
        int n = pairs.Count;
        var margin = tensor(pairs.Select(p => p.Margin).ToArray(), device: device);
        return (scores[..n], scores[n..], margin);
    }
}
