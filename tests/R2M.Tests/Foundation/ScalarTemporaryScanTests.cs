using System.Reflection;
using System.Reflection.Emit;
using R2M.Analyzers;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Foundation;

/// <summary>
/// Reads TorchSharp.dll's IL: the members that make a temporary Scalar inside (a number converted to Scalar and
/// never disposed, in the member or in a TorchSharp method it calls or hands as a delegate) must be exactly the
/// list rule R2M0001 refuses, so a TorchSharp upgrade that adds or removes one fails here.
/// </summary>
public class ScalarTemporaryScanTests
{
    private static readonly string[] Scanned = ["torch", "torch+Tensor", "torch+nn+functional", "torch+linalg", "torch+special", "torch+fft"];

    [Fact]
    public void The_rules_list_is_what_TorchSharps_IL_makes_temporaries_in()
    {
        ScanMakers(typeof(torch).Assembly).Where(k => Scanned.Contains(k[..k.LastIndexOf('.', k.IndexOf('('))]))
            .Should().BeEquivalentTo(ImplicitScalarAnalyzer.ConvertingMembers);
    }

    [Fact]
    public void The_rules_optimizer_list_is_every_TorchSharp_optimizer_whose_step_makes_temporaries()
    {
        ScanMakers(typeof(torch).Assembly).Where(k => k.StartsWith("Modules.", StringComparison.Ordinal) && k.Contains(".step(", StringComparison.Ordinal))
            .Select(k => k[..k.IndexOf(".step(", StringComparison.Ordinal)]).ToHashSet()
            .Should().BeEquivalentTo(ImplicitScalarAnalyzer.ConvertingOptimizers);
    }

    [Fact]
    public void Softplus_uses_TorchSharps_Scalar_overload_and_matches_the_public_one()
    {
        TorchRuntime.EnsureLoaded();
        TorchScalars.HeldSoftplus.Should().NotBeNull("TorchSharp 0.107 has Tensor.softplus1(Scalar, Scalar)");
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -30f, -1f, 0f, 0.5f, 19f, 21f });
        var expected = x.to_type(ScalarType.Float64).exp().log1p().to_type(ScalarType.Float32).data<float>().ToArray();
        expected[^1] = 21f; // linear above the threshold 20
        TorchScalars.Softplus(x).data<float>().ToArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Max(1, Math.Abs(b)));
    }

    /// <summary>Keys as the rule writes them: "torch+Tensor.add(Tensor)".</summary>
    private static HashSet<string> ScanMakers(Assembly assembly)
    {
        var opcodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);
        var callees = new Dictionary<MethodBase, List<MethodBase>>();
        var makers = new HashSet<MethodBase>();
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types)
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            byte[]? il;
            try { il = method.GetMethodBody()?.GetILAsByteArray(); } catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or TypeLoadException) { continue; }
            if (il is null) continue;
            var calls = new List<MethodBase>();
            bool makes = false, disposes = false;
            for (int i = 0; i < il.Length;)
            {
                var op = il[i] == 0xFE ? opcodes[(short)(0xFE00 | il[i + 1])] : opcodes[il[i]];
                i += op.Size;
                if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn || op == OpCodes.Ldvirtftn)
                {
                    MethodBase? target = null;
                    try
                    {
                        target = method.Module.ResolveMethod(BitConverter.ToInt32(il, i),
                            method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null);
                    }
                    catch (Exception e) when (e is ArgumentException or TypeLoadException or BadImageFormatException or MissingMethodException) { }
                    string? owner = target?.DeclaringType?.FullName;
                    if (owner == "TorchSharp.Scalar" && target!.Name == "op_Implicit") makes = true;
                    else if (owner == "TorchSharp.ScalarExtensionMethods" && target!.Name.StartsWith("To", StringComparison.Ordinal) && target.Name.EndsWith("Scalar", StringComparison.Ordinal)) makes = true;
                    else if (owner == "TorchSharp.Scalar" && target!.Name == "Dispose") disposes = true;
                    else if (target is not null && target.Module == method.Module) calls.Add(target);
                }
                i += op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                    _ => 4,
                };
            }
            callees[method] = calls;
            string? declaring = method.DeclaringType?.FullName;
            if (makes && !disposes && declaring is not ("TorchSharp.Scalar" or "TorchSharp.ScalarExtensionMethods")) makers.Add(method);
        }
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var (method, calls) in callees)
                if (!makers.Contains(method) && calls.Any(makers.Contains)) changed = makers.Add(method) | changed;
        }
        var keys = new HashSet<string>();
        foreach (var method in makers.Where(m => m.IsPublic && m.DeclaringType is { } t && (t.IsPublic || t.IsNestedPublic)))
        {
            string typeName = method.DeclaringType!.FullName!.Replace("TorchSharp.", "", StringComparison.Ordinal);
            try { keys.Add($"{typeName}.{method.Name}({string.Join(",", method.GetParameters().Select(p => p.ParameterType.Name))})"); }
            catch (Exception e) when (e is TypeLoadException or FileNotFoundException) { }
        }
        return keys;
    }
}
