using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Training;

/// <summary>
/// An optimizer over float32 master weights, for training in <see cref="MixedPrecision.BFloat16"/>: the modules'
/// own weights become bf16 working copies that forward and backward use; a float32 master copy of every parameter
/// holds the truth, and the optimizer (hence its state) is built over the masters. <see cref="Step"/> casts the bf16
/// gradients into the masters' gradients, clips them, steps, and rounds the masters back into the working weights,
/// so an update smaller than bf16's resolution still accumulates in the master instead of being rounded away.
/// With <see cref="MixedPrecision.None"/> it is the plain optimizer over the modules' own parameters, unchanged.
/// Disposing (or <see cref="Restore"/>) leaves the modules in float32 holding the masters' values.
/// </summary>
/// <remarks>
/// A training step: <c>ZeroGrad()</c>; forward; loss in float32 (cast the logits); <c>loss.backward()</c>;
/// <c>Step(maxGradNorm)</c>. Parameters with <c>requires_grad</c> false when it is created stay frozen (their bf16
/// copies are used, their float32 values restored at the end). Converting a module's dtype replaces its Parameter
/// objects: read a module's parameters after creating this (and again after disposing it), not before.
/// </remarks>
public sealed class MasterWeightOptimizer : IDisposable
{
    private readonly IReadOnlyList<nn.Module> modules;
    private readonly List<(string Name, Parameter Master)>[] masters; // per module, in named_parameters order
    private readonly List<Parameter> working = [];                     // trainable, in the order of MasterParameters
    private bool restored;

    /// <summary>
    /// Takes over the parameters of <paramref name="modules"/> (float32, or bf16 ones whose masters start at their
    /// values; converted to bf16 here when <paramref name="precision"/> asks for it) and builds the optimizer with <paramref name="createOptimizer"/>
    /// over the trainable ones' masters.
    /// </summary>
    public MasterWeightOptimizer(IReadOnlyList<nn.Module> modules, MixedPrecision precision,
        Func<IReadOnlyList<Parameter>, OptimizerHelper> createOptimizer)
    {
        this.modules = modules;
        Precision = precision;
        masters = new List<(string, Parameter)>[modules.Count];
        var trainable = new List<Parameter>();
        for (int i = 0; i < modules.Count; i++)
        {
            var named = modules[i].named_parameters().ToList();
            if (precision == MixedPrecision.None)
            {
                masters[i] = named;
                trainable.AddRange(named.Select(n => n.parameter).Where(p => p.requires_grad));
                continue;
            }
            foreach (var (name, p) in named)
            {
                if (p.dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
                    throw new ArgumentException($"Mixed precision trains float32 or bf16 weights; parameter '{name}' is {p.dtype}.", nameof(modules));
            }
            masters[i] = [.. named.Select(n => (n.name, MasterOf(n.parameter)))];
            modules[i].to(ScalarType.BFloat16);                       // replaces the module's Parameter objects
            var converted = modules[i].named_parameters().ToDictionary(n => n.name, n => n.parameter);
            foreach (var (name, master) in masters[i])
            {
                if (!master.requires_grad) continue;
                trainable.Add(master);
                working.Add(converted[name]);
            }
        }
        MasterParameters = trainable;
        Optimizer = createOptimizer(trainable);
    }

    /// <summary>AdamW (decoupled weight decay) over the masters.</summary>
    public static MasterWeightOptimizer AdamW(IReadOnlyList<nn.Module> modules, MixedPrecision precision, double learningRate, double weightDecay)
    {
        // Every trainer (SFT, reward model, RL) builds its optimizer here: the process is training, so freed
        // tensor memory is kept for the next step instead of being returned and faulted in again (NativeHeap).
        NativeHeap.RetainFreedMemory();
        return new(modules, precision, ps => new HeldScalarOptimizers.AdamW(ps, lr: learningRate, weightDecay: weightDecay));
    }

    /// <summary>The precision the modules compute in.</summary>
    public MixedPrecision Precision { get; }

    /// <summary>The optimizer over <see cref="MasterParameters"/>: its state is float32 (what a checkpoint saves).</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The trainable float32 parameters the optimizer steps (the modules' own with <see cref="MixedPrecision.None"/>).</summary>
    public IReadOnlyList<Parameter> MasterParameters { get; }

    /// <summary>Clears the gradients of the weights backward writes to.</summary>
    public void ZeroGrad()
    {
        ThrowIfRestored();
        if (Precision == MixedPrecision.None)
        {
            Optimizer.zero_grad();
            return;
        }
        foreach (var m in modules) m.zero_grad();
    }

    /// <summary>
    /// After backward: moves the gradients to the masters (cast to float32), clips their global norm to
    /// <paramref name="maxGradNorm"/>, steps the optimizer and copies the masters into the working weights.
    /// Returns the gradient norm before clipping; with no limit (infinity, the default) it neither clips nor
    /// computes the norm (no wait for the device) and returns NaN.
    /// </summary>
    public double Step(double maxGradNorm = double.PositiveInfinity)
    {
        ThrowIfRestored();
        using var scope = NewDisposeScope();
        if (Precision != MixedPrecision.None)
        {
            using var noGrad = no_grad();
            for (int i = 0; i < working.Count; i++)
            {
                var grad = working[i].grad;
                var masterGrad = MasterParameters[i].grad;
                if (grad is null) masterGrad?.zero_();
                else if (masterGrad is null) MasterParameters[i].grad = grad.to_type(ScalarType.Float32);
                else masterGrad.copy_(grad);
            }
        }
        double norm = double.IsPositiveInfinity(maxGradNorm) ? double.NaN : nn.utils.clip_grad_norm_(MasterParameters, maxGradNorm);
        Optimizer.step();
        if (Precision != MixedPrecision.None)
        {
            using var noGrad = no_grad();
            for (int i = 0; i < working.Count; i++) working[i].copy_(MasterParameters[i]); // rounds to bf16
        }
        return norm;
    }

    /// <summary>
    /// The true (float32 master) weights of <paramref name="module"/>, one of the modules given at construction,
    /// by state-dict key: what a checkpoint saves instead of the bf16 working copies. Live tensors, not copies.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> MasterWeights(nn.Module module)
    {
        ThrowIfRestored();
        int i = 0;
        while (i < modules.Count && !ReferenceEquals(modules[i], module)) i++;
        if (i == modules.Count) throw new ArgumentException("The module is not one this optimizer trains.", nameof(module));
        return masters[i].ToDictionary(n => n.Name, n => (Tensor)n.Master);
    }

    /// <summary>float32 copies of every parameter's true value (the masters), trainable or frozen.</summary>
    public WeightSnapshot Snapshot()
    {
        ThrowIfRestored();
        using var noGrad = no_grad();
        return new WeightSnapshot([.. masters.SelectMany(m => m).Select(n => n.Master.detach().clone().DetachFromDisposeScope())]);
    }

    /// <summary>Puts a <see cref="Snapshot"/> back into the masters and the working weights.</summary>
    public void Load(WeightSnapshot snapshot)
    {
        ThrowIfRestored();
        using var noGrad = no_grad();
        int k = 0;
        for (int i = 0; i < modules.Count; i++)
        {
            var current = Precision == MixedPrecision.None ? null : modules[i].named_parameters().ToDictionary(n => n.name, n => n.parameter);
            foreach (var (name, master) in masters[i])
            {
                master.copy_(snapshot.Values[k++]);
                current?[name].copy_(master);
            }
        }
    }

    /// <summary>
    /// Ends training: with bf16, converts the modules back to float32 and copies the masters into them, so they hold
    /// the full-precision result. Nothing to do with <see cref="MixedPrecision.None"/>. Idempotent; no step after it.
    /// </summary>
    public void Restore()
    {
        if (restored) return;
        restored = true;
        if (Precision == MixedPrecision.None) return;
        using var noGrad = no_grad();
        for (int i = 0; i < modules.Count; i++)
        {
            modules[i].to(ScalarType.Float32);
            var current = modules[i].named_parameters().ToDictionary(n => n.name, n => n.parameter);
            foreach (var (name, master) in masters[i]) current[name].copy_(master);
        }
    }

    /// <summary>Restores the modules (see <see cref="Restore"/>), then releases the optimizer and the masters.</summary>
    public void Dispose()
    {
        Restore();
        Optimizer.Dispose();
        if (Precision == MixedPrecision.None) return;
        foreach (var (_, master) in masters.SelectMany(m => m)) master.Dispose();
    }

    private static Parameter MasterOf(Parameter p)
    {
        using var noGrad = no_grad();
        var master = new Parameter(p.detach().to_type(ScalarType.Float32, copy: true), p.requires_grad);
        master.DetachFromDisposeScope();
        return master;
    }

    private void ThrowIfRestored()
    {
        if (restored) throw new InvalidOperationException("MasterWeightOptimizer: the modules were restored to float32; training with it has ended.");
    }
}
