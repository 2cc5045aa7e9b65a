using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Training;

/// <summary>TorchSharp optimizers whose steps hold their numbers in Scalars that outlive the native calls.</summary>
/// <remarks>
/// Each class has its TorchSharp original's name, because TorchSharp writes the optimizer's type name into a saved
/// state file and refuses a file whose name differs: checkpoints of the two load into each other.
/// </remarks>
public static class HeldScalarOptimizers
{
    /// <summary>
    /// TorchSharp's AdamW (decoupled weight decay) with its step's numbers held in Scalars that live until the step ends.
    /// </summary>
    /// <remarks>
    /// TorchSharp 0.107's <c>AdamW.step</c> converts β₁, 1 − β₁, β₂, 1 − β₂, ε, the decay factor, the bias correction and
    /// the step size into Scalars it never disposes, and hands their native pointers to libtorch without keeping them
    /// alive: a collection on another thread during the step can free one while libtorch reads it (the race rule R2M0001
    /// guards this repository's own code against; docs/reliability.md). This class runs the same arithmetic, in the same
    /// order and number types, with Scalars created once per step and disposed after it, so results are bit-identical
    /// (a test pins it). It is a TorchSharp AdamW: the same options, parameter groups, learning-rate controllers and
    /// state (<c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>), so <c>state_dict</c> files of the two
    /// load into each other.
    /// </remarks>
    public sealed class AdamW : TorchSharp.Modules.AdamW
    {
        /// <summary>AdamW over <paramref name="parameters"/>; the arguments are TorchSharp's (and PyTorch's) defaults.</summary>
        public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
            double weightDecay = 0, bool amsgrad = false, bool maximize = false)
            : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
        {
        }

        /// <summary>One AdamW update of every parameter that has a gradient; <paramref name="closure"/>, if given, recomputes the loss first.</summary>
        public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, weightDecay = options.weight_decay!.Value;
            double eps = options.eps!.Value, lr = options.LearningRate!.Value;
            bool amsgrad = options.amsgrad!.Value, maximize = options.maximize!.Value;
            // Per group: the numbers every parameter shares.
            using Scalar decay = (1 - lr * weightDecay).ToScalar(), b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar();
            using Scalar b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar(), epsilon = eps.ToScalar();
            foreach (var param in group.Parameters)
            {
                var state = (State)_state[param.Handle];
                var grad = param.grad;
                if (grad is null) continue;
                if (maximize) grad = grad.neg();
                state.step += 1;
                param.mul_(decay);
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(b1).add_(grad, alpha: oneMinusB1);
                state.exp_avg_sq.mul_(b2).addcmul_(grad, grad, value: oneMinusB2);
                Tensor second = state.exp_avg_sq;
                if (amsgrad)
                {
                    var previous = state.max_exp_avg_sq;
                    state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                    previous.Dispose();
                    second = state.max_exp_avg_sq;
                }
                using Scalar correction = Math.Sqrt(biasCorrection2).ToScalar(), stepSize = (-(lr / biasCorrection1)).ToScalar();
                var denominator = second.sqrt().div(correction).add_(epsilon, TorchScalars.One);
                param.addcdiv_(state.exp_avg, denominator, value: stepSize);
            }
        }, closure);
    }
}
