using R2M.MLNet.Modeling;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using R2M.MLNet.Training;
using TorchSharp;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Estimators.Training;

/// <summary>Loss after one epoch of supervised fine-tuning.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean token cross-entropy on response tokens over the epoch.</param>
/// <param name="ValidationLoss">The same on the validation pairs after the epoch (NaN without validation data).</param>
public sealed record SupervisedFineTuneReport(int Epoch, double TrainLoss, double ValidationLoss);

/// <summary>
/// Supervised fine-tuning of a causal LM on (prompt, response) pairs with the loss on response tokens
/// only (EOS included), so the policy learns to answer and to stop, not to reproduce prompts.
/// </summary>
public static class SupervisedFineTuner
{
    /// <summary>Trains <paramref name="model"/> in place; returns one report per epoch (also sent to <see cref="SupervisedFineTuneOptions.Progress"/>).</summary>
    public static IReadOnlyList<SupervisedFineTuneReport> Train(CausalLM model, ITextTokenizer tokenizer,
        IReadOnlyList<(string Prompt, string Response)> train, IReadOnlyList<(string Prompt, string Response)> validation,
        SupervisedFineTuneOptions options, CancellationToken cancellationToken = default)
    {
        if (train.Count == 0) throw new ArgumentException("Supervised fine-tuning needs at least one training pair.", nameof(train));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, options.CancellationToken);
        cancellationToken = linked.Token;
        cancellationToken.ThrowIfCancellationRequested();
        Device device = model.Body.TokenEmbeddingWeight.device;
        var codec = new SequenceCodec(tokenizer);
        var trainSeqs = train.Select(p => codec.Encode(p.Prompt, p.Response, options.MaxLength)).ToArray();
        var random = new Random(options.Seed);
        // Disposed last: with bf16 it hands the model back in float32 with the master weights.
        using var optimizer = MasterWeightOptimizer.AdamW([model], options.MixedPrecision, options.LearningRate, options.WeightDecay);
        var reports = new List<SupervisedFineTuneReport>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            model.train();
            double sum = 0;
            int steps = 0;
            foreach (var batch in Minibatches.Shuffled(trainSeqs.Length, options.BatchSize, random))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = ResponseLoss(model, codec.RightPad(batch.Select(i => trainSeqs[i]).ToList(), device));
                double value = TrainingGuard.Finite(loss.item<float>(), "supervised fine-tuning", epoch, steps + 1, "loss");
                loss.backward();
                optimizer.Step(options.MaxGradNorm);
                sum += value;
                steps++;
            }
            double validationLoss = validation.Count == 0 ? double.NaN : Evaluate(model, tokenizer, validation, options);
            var report = new SupervisedFineTuneReport(epoch, sum / steps, validationLoss);
            reports.Add(report);
            options.Progress?.Report(report);
        }
        model.eval();
        return reports;
    }

    /// <summary>Mean token cross-entropy on the response tokens of <paramref name="pairs"/>, without gradients.</summary>
    public static double Evaluate(CausalLM model, ITextTokenizer tokenizer, IReadOnlyList<(string Prompt, string Response)> pairs, SupervisedFineTuneOptions options)
    {
        Device device = model.Body.TokenEmbeddingWeight.device;
        var codec = new SequenceCodec(tokenizer);
        var seqs = pairs.Select(p => codec.Encode(p.Prompt, p.Response, options.MaxLength)).ToArray();
        model.eval();
        using var noGrad = no_grad();
        double weighted = 0, tokens = 0;
        foreach (var batch in Minibatches.Ordered(seqs.Length, options.BatchSize))
        {
            using var scope = NewDisposeScope();
            var b = codec.RightPad(batch.Select(i => seqs[i]).ToList(), device);
            double count = b.ResponseMask[.., 1..].sum().item<float>();
            weighted += ResponseLoss(model, b).item<float>() * count;
            tokens += count;
        }
        return weighted / tokens;
    }

    /// <summary>Token-mean cross-entropy of predicting each response token from the positions before it.</summary>
    public static Tensor ResponseLoss(CausalLM model, SequenceBatch batch)
    {
        var logits = model.Forward(batch.Ids[.., ..^1], batch.Mask[.., ..^1]).Logits;        // (B, T-1, V)
        var targets = batch.Ids[.., 1..];                                                     // (B, T-1)
        var weights = batch.ResponseMask[.., 1..];                                            // (B, T-1)
        var perToken = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]).to_type(ScalarType.Float32),
            targets.reshape(-1), reduction: nn.Reduction.None);                                // (B·(T-1))
        return (perToken * weights.reshape(-1)).sum() / weights.sum().clamp_min(TorchScalars.One);
    }
}
