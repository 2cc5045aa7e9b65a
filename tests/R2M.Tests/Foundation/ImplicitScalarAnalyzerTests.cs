using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using R2M.Analyzers;
using TorchSharp;

namespace R2M.Tests.Foundation;

/// <summary>
/// Build rule R2M0001 on small sources compiled against TorchSharp: every shape that makes a temporary Scalar is
/// refused, with its line, and a Scalar held by the caller is not.
/// </summary>
public class ImplicitScalarAnalyzerTests
{
    private static async Task<IReadOnlyList<(int Line, string Message)>> Analyze(string body)
    {
        string source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            static class Probe
            {
                static Tensor Run(Tensor x, Tensor y, Scalar held)
                {
            {{body}}
                }
            }
            """;
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform.Append(typeof(torch).Assembly.Location).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Probe", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty("the probe source compiles");
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ImplicitScalarAnalyzer())).GetAnalyzerDiagnosticsAsync();
        // Line numbers within the body (its first line is 1).
        return diagnostics.Where(d => d.Id == ImplicitScalarAnalyzer.Id)
            .Select(d => (d.Location.GetLineSpan().StartLinePosition.Line - 6 + 1, d.GetMessage())).ToList();
    }

    [Fact]
    public async Task A_number_passed_where_a_Scalar_is_expected_is_refused()
    {
        var found = await Analyze("""
                    var a = x.clamp_min(0);
                    return a.masked_fill(y.eq(1), float.NegativeInfinity);
            """);
        found.Select(f => f.Line).Should().Equal(1, 2, 2);
        found[0].Message.Should().Contain("'0'").And.Contain("temporary TorchSharp.Scalar");
    }

    [Fact]
    public async Task Tensor_operators_that_convert_inside_are_refused_including_tensor_plus_tensor()
    {
        var found = await Analyze("""
                    var a = x * 0.5;
                    var b = 1 - a;
                    var c = b + y;
                    return c / 3L;
            """);
        found.Select(f => f.Line).Should().Equal(1, 2, 3, 4);
        found[0].Message.Should().Contain("TorchSharp's operator converts a number inside");
    }

    [Fact]
    public async Task Overloads_that_convert_inside_are_refused_and_their_held_forms_pass()
    {
        var found = await Analyze("""
                    var a = x.add(y);
                    var b = arange(held, held);
                    var c = a.add(y, held).add(b, held);
                    return nn.functional.softplus(c);
            """);
        found.Select(f => f.Line).Should().Equal(1, 2, 4);
        found[^1].Message.Should().Contain("'softplus'");
    }

    [Fact]
    public async Task Creating_an_optimizer_whose_step_converts_numbers_is_refused()
    {
        var found = await Analyze("""
                    using var a = optim.AdamW([new TorchSharp.Modules.Parameter(x)], lr: 0.01);
                    using var b = new TorchSharp.Modules.SGD([new TorchSharp.Modules.Parameter(y)], 0.1);
                    return x;
            """);
        found.Select(f => f.Line).Should().Equal(1, 2);
        found[0].Message.Should().Contain("'AdamW'").And.Contain("HeldScalarOptimizers.AdamW");
        found[1].Message.Should().Contain("'new SGD'");
    }

    [Fact]
    public async Task Held_Scalars_and_tensor_arithmetic_pass()
    {
        var found = await Analyze("""
                    using var half = 0.5.ToScalar();
                    var a = (x * y - x).mul(half).clamp_min(held);
                    return nn.functional.logsigmoid(a).neg().add(held, held).sub(arange(held, held, held));
            """);
        found.Should().BeEmpty();
    }
}
