using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace R2M.Analyzers;

/// <summary>
/// R2M0001: code that makes a temporary <c>TorchSharp.Scalar</c>. TorchSharp 0.107 frees such a temporary only in
/// its finaliser, and its methods hand the native pointer to libtorch without keeping the managed object alive, so
/// a collection started by another thread during the call can free the value while libtorch reads it (libtorch's
/// <c>Scalar::toFloat</c> assertion; <c>R2M.Benchmarks finaliser-race --control 1</c> shows it within seconds).
/// Two shapes make one: a number converted to Scalar at a call, and a call of a TorchSharp member that converts
/// inside (<see cref="ConvertingMembers"/>: <c>a + b</c> on tensors passes a temporary alpha of 1, <c>x * 0.5</c>
/// converts its number, <c>arange(n)</c> its start and step). The fix is a Scalar that outlives the call:
/// <c>TorchScalars</c>' constants, a local from <c>ToScalar()</c> under <c>using</c>, or the overload that takes it
/// (<c>a.add(b, TorchScalars.One)</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ImplicitScalarAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The rule's identifier.</summary>
    public const string Id = "R2M0001";

    /// <summary>
    /// TorchSharp 0.107 members (type+nesting.name(parameter types)) whose own code makes a temporary Scalar: every
    /// public member of <c>torch</c>, <c>torch.Tensor</c>, <c>torch.nn.functional</c>, <c>torch.linalg</c>,
    /// <c>torch.special</c> and <c>torch.fft</c> whose IL, or that of a TorchSharp method it calls, converts a number
    /// to Scalar without disposing it. Read from TorchSharp.dll by <c>ScalarTemporaryScan</c> (tests/), which fails
    /// when this list and the referenced TorchSharp disagree.
    /// </summary>
    public static readonly ImmutableHashSet<string> ConvertingMembers = ImmutableHashSet.Create(
        "torch+Tensor.add(Scalar)",
        "torch+Tensor.add(Tensor)",
        "torch+Tensor.add_(Scalar)",
        "torch+Tensor.add_(Tensor)",
        "torch+Tensor.addcdiv(Tensor,Tensor)",
        "torch+Tensor.addcdiv_(Tensor,Tensor)",
        "torch+Tensor.celu()",
        "torch+Tensor.celu_()",
        "torch+Tensor.elu(Double)",
        "torch+Tensor.elu_(Double)",
        "torch+Tensor.op_Addition(Double,Tensor)",
        "torch+Tensor.op_Addition(Int32,Tensor)",
        "torch+Tensor.op_Addition(Int64,Tensor)",
        "torch+Tensor.op_Addition(Scalar,Tensor)",
        "torch+Tensor.op_Addition(Single,Tensor)",
        "torch+Tensor.op_Addition(Tensor,Double)",
        "torch+Tensor.op_Addition(Tensor,Int32)",
        "torch+Tensor.op_Addition(Tensor,Int64)",
        "torch+Tensor.op_Addition(Tensor,Scalar)",
        "torch+Tensor.op_Addition(Tensor,Single)",
        "torch+Tensor.op_Addition(Tensor,Tensor)",
        "torch+Tensor.op_Division(Double,Tensor)",
        "torch+Tensor.op_Division(Int32,Tensor)",
        "torch+Tensor.op_Division(Int64,Tensor)",
        "torch+Tensor.op_Division(Single,Tensor)",
        "torch+Tensor.op_Division(Tensor,Double)",
        "torch+Tensor.op_Division(Tensor,Int32)",
        "torch+Tensor.op_Division(Tensor,Int64)",
        "torch+Tensor.op_Division(Tensor,Single)",
        "torch+Tensor.op_Modulus(Tensor,Double)",
        "torch+Tensor.op_Modulus(Tensor,Int32)",
        "torch+Tensor.op_Modulus(Tensor,Int64)",
        "torch+Tensor.op_Modulus(Tensor,Single)",
        "torch+Tensor.op_Multiply(Double,Tensor)",
        "torch+Tensor.op_Multiply(Int32,Tensor)",
        "torch+Tensor.op_Multiply(Int64,Tensor)",
        "torch+Tensor.op_Multiply(Single,Tensor)",
        "torch+Tensor.op_Multiply(Tensor,Double)",
        "torch+Tensor.op_Multiply(Tensor,Int32)",
        "torch+Tensor.op_Multiply(Tensor,Int64)",
        "torch+Tensor.op_Multiply(Tensor,Single)",
        "torch+Tensor.op_Subtraction(Double,Tensor)",
        "torch+Tensor.op_Subtraction(Int32,Tensor)",
        "torch+Tensor.op_Subtraction(Int64,Tensor)",
        "torch+Tensor.op_Subtraction(Scalar,Tensor)",
        "torch+Tensor.op_Subtraction(Single,Tensor)",
        "torch+Tensor.op_Subtraction(Tensor,Double)",
        "torch+Tensor.op_Subtraction(Tensor,Int32)",
        "torch+Tensor.op_Subtraction(Tensor,Int64)",
        "torch+Tensor.op_Subtraction(Tensor,Single)",
        "torch+Tensor.softplus(Double,Double)",
        "torch+Tensor.square()",
        "torch+linalg.matrix_norm(Tensor,Double,Int64[],Boolean)",
        "torch+linalg.vector_norm(Tensor,Double,Int64[],Boolean)",
        "torch+nn+functional.Hardshrink(Tensor,Double)",
        "torch+nn+functional.Hardtanh(Tensor,Double,Double,Boolean)",
        "torch+nn+functional.Mish(Tensor)",
        "torch+nn+functional.Softshrink(Tensor,Double)",
        "torch+nn+functional.Softsign(Tensor)",
        "torch+nn+functional.Threshold(Tensor,Double,Double,Boolean)",
        "torch+nn+functional.celu(Tensor,Double,Boolean)",
        "torch+nn+functional.elu(Tensor,Double,Boolean)",
        "torch+nn+functional.hardshrink(Tensor,Double)",
        "torch+nn+functional.hardtanh(Tensor,Double,Double,Boolean)",
        "torch+nn+functional.leaky_relu(Tensor,Double,Boolean)",
        "torch+nn+functional.mish(Tensor,Boolean)",
        "torch+nn+functional.softplus(Tensor,Double,Double)",
        "torch+nn+functional.softshrink(Tensor,Double)",
        "torch+nn+functional.softsign(Tensor,Boolean)",
        "torch+nn+functional.threshold(Tensor,Double,Double,Boolean)",
        "torch.add(Tensor,Scalar)",
        "torch.add(Tensor,Tensor)",
        "torch.add_(Tensor,Scalar)",
        "torch.add_(Tensor,Tensor)",
        "torch.arange(Scalar,Nullable`1,Device,Boolean)",
        "torch.arange(Scalar,Scalar,Nullable`1,Device,Boolean)",
        "torch.histogram(Tensor,HistogramBinSelector,Nullable`1,Boolean)",
        "torch.normal(Double,Double,ReadOnlySpan`1,Nullable`1,Device,Boolean,Generator,String[])",
        "torch.normal(Tensor,Tensor,Generator)",
        "torch.square(Tensor)");

    /// <summary>
    /// TorchSharp 0.107 optimizer classes whose <c>step</c> makes temporary Scalars (its hyperparameters, bias
    /// corrections and step size) on every call: all of them but LBFGS. Creating one, by <c>torch.optim</c>'s factory or
    /// <c>new</c>, is refused; R2M.MLNet's <c>HeldScalarOptimizers.AdamW</c> is AdamW (the one optimizer this repository
    /// trains with) with the same arithmetic and held Scalars. Checked against
    /// TorchSharp.dll by the same scan as <see cref="ConvertingMembers"/>.
    /// </summary>
    public static readonly ImmutableHashSet<string> ConvertingOptimizers = ImmutableHashSet.Create(
        "Modules.ASGD", "Modules.Adadelta", "Modules.Adagrad", "Modules.Adam", "Modules.AdamW", "Modules.Adamax",
        "Modules.NAdam", "Modules.RAdam", "Modules.RMSProp", "Modules.Rprop", "Modules.SGD");

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "Temporary TorchSharp.Scalar",
        "{0} makes a temporary TorchSharp.Scalar that a collection can free while libtorch still reads it; pass a held Scalar (TorchScalars, ToScalar() under using, or the overload that takes one)",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeConversion, OperationKind.Conversion);
        context.RegisterOperationAction(AnalyzeOperator, OperationKind.Binary, OperationKind.CompoundAssignment, OperationKind.Unary);
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(AnalyzeCreation, OperationKind.ObjectCreation);
    }

    private static void AnalyzeConversion(OperationAnalysisContext context)
    {
        var conversion = (IConversionOperation)context.Operation;
        var method = conversion.OperatorMethod;
        if (method is null || method.Name != "op_Implicit" || Key(method.ContainingType) != "Scalar") return;
        Report(context, conversion.Operand.Syntax, $"'{conversion.Operand.Syntax}'");
    }

    private static void AnalyzeOperator(OperationAnalysisContext context)
    {
        var method = context.Operation switch
        {
            IBinaryOperation b => b.OperatorMethod,
            ICompoundAssignmentOperation c => c.OperatorMethod,
            IUnaryOperation u => u.OperatorMethod,
            _ => null,
        };
        if (method is not null && ConvertingMembers.Contains(Key(method)))
            Report(context, context.Operation.Syntax, $"'{context.Operation.Syntax}' (TorchSharp's operator converts a number inside)");
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
        if (ConvertingMembers.Contains(Key(method)))
            Report(context, invocation.Syntax, $"'{method.Name}' (this TorchSharp overload converts a number inside)");
        else if (Key(method.ContainingType) is not null && method.ReturnType is INamedTypeSymbol built && ConvertingOptimizers.Contains(Key(built) ?? ""))
            Report(context, invocation.Syntax, $"'{method.Name}' (the optimizer it builds converts numbers in every step; use HeldScalarOptimizers.AdamW, or hold that optimizer's numbers likewise)");
    }

    private static void AnalyzeCreation(OperationAnalysisContext context)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is INamedTypeSymbol type && ConvertingOptimizers.Contains(Key(type) ?? ""))
            Report(context, creation.Syntax, $"'new {type.Name}' (its step converts numbers on every call; use HeldScalarOptimizers.AdamW, or hold that optimizer's numbers likewise)");
    }

    private static void Report(OperationAnalysisContext context, SyntaxNode node, string what) =>
        context.ReportDiagnostic(Diagnostic.Create(Rule, node.GetLocation(), what));

    /// <summary>A TorchSharp type's nesting below the TorchSharp namespace ("torch+Tensor"); null outside TorchSharp.</summary>
    private static string? Key(INamedTypeSymbol? type)
    {
        if (type is null) return null;
        string name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) name = outer.MetadataName + "+" + name;
        var ns = type.OriginalDefinition.ContainingNamespace;
        if (ns is null || ns.IsGlobalNamespace) return null;
        string space = ns.ToDisplayString();
        if (space == "TorchSharp") return name;
        return space.StartsWith("TorchSharp.", System.StringComparison.Ordinal) ? space.Substring("TorchSharp.".Length) + "." + name : null;
    }

    private static string Key(IMethodSymbol method) =>
        Key(method.ContainingType) + "." + method.MetadataName + "(" + string.Join(",", method.OriginalDefinition.Parameters.Select(p => TypeName(p.Type))) + ")";

    private static string TypeName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => TypeName(array.ElementType) + "[]",
        _ => type.MetadataName,
    };
}
