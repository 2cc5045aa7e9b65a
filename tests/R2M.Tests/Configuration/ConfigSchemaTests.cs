using System.Text.Json.Nodes;
using R2M.Estimators.Configuration;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Configuration;

public class ConfigSchemaTests
{
    private static readonly string SchemaFile = Path.Combine(RepoPaths.Root, "schema", "r2m.schema.json");

    [Fact]
    public void The_checked_in_schema_is_what_the_options_classes_generate_now()
    {
        string generated = R2MConfigSchema.Generate();

        File.ReadAllText(SchemaFile).ReplaceLineEndings("\n").Should().Be(generated,
            "schema/r2m.schema.json is generated: run `dotnet r2m schema --out schema/r2m.schema.json` after changing an Options class");
    }

    [Fact]
    public void The_schema_refuses_unknown_keys_and_carries_each_options_default()
    {
        var schema = JsonNode.Parse(R2MConfigSchema.Generate())!;
        var rl = schema["properties"]!["rl"]!;

        schema["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
        rl["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
        rl["properties"]!["steps"]!["default"]!.GetValue<int>().Should().Be(new PolicyOptimizationOptions().Steps);
        rl["properties"]!["algorithm"]!["default"]!.GetValue<string>().Should().Be("Rloo");
        schema["properties"]!["sft"]!["properties"]!["policySize"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>())
            .Should().Equal(Enum.GetNames<PolicySize>());
        rl["properties"]!.AsObject().Select(p => p.Key).Should().NotContain(["progress", "cancellationToken", "goldJudge"]);
    }
}
