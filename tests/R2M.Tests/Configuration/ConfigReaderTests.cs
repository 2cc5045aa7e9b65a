using System.Text;
using R2M.Estimators.Configuration;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Configuration;

public class ConfigReaderTests
{
    private static R2MConfigException Fails(TempDir dir, string json)
    {
        File.WriteAllText(dir.File("prefs.jsonl"), "{}\n");
        string path = dir.File("r2m.json");
        File.WriteAllText(path, json);
        var act = () => R2MConfigReader.Read(path);
        return act.Should().Throw<R2MConfigException>().Which;
    }

    [Fact]
    public void A_config_maps_onto_the_options_classes_and_resolves_paths_against_its_folder()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("prefs.jsonl"), "{}\n");
        Directory.CreateDirectory(dir.File("base"));
        File.WriteAllText(dir.File("r2m.json"), """
            {
              // comments and trailing commas are fine
              "data": { "files": ["prefs.jsonl"], "loader": { "format": "Trl", "skipInvalid": true } },
              "tokenizer": "gpt2-bpe",
              "seed": 7,
              "sft": { "policySize": "Tiny", "epochs": 1, "policyPath": "base" },
              "rewardModel": { "epochs": 3, "learningRate": 0.001 },
              "aligner": { "omega": 0.5, "mode": "Vanilla" },
              "rl": { "algorithm": "Grpo", "steps": 5, "klTarget": 6.0, },
            }
            """);

        R2MConfig config = R2MConfigReader.Read(dir.File("r2m.json"));

        config.Data.Files.Should().Equal(dir.File("prefs.jsonl"));
        config.Data.Loader.Should().Be(new PreferenceLoaderOptions { Format = PreferenceFormat.Trl, SkipInvalid = true });
        config.Tokenizer.Should().Be("gpt2-bpe");
        config.Seed.Should().Be(7);
        config.Sft.Should().Be(new SupervisedFineTuneOptions { PolicySize = PolicySize.Tiny, Epochs = 1, PolicyPath = dir.File("base") });
        config.RewardModel.Should().Be(new RewardModelOptions { Epochs = 3, LearningRate = 0.001 });
        config.Aligner.Should().Be(new PolicyFeedbackOptions { Omega = 0.5, Mode = AlignerMode.Vanilla });
        config.Rl.Should().Be(new PolicyOptimizationOptions { Algorithm = RlAlgorithm.Grpo, Steps = 5, KlTarget = 6.0 });
    }

    [Fact]
    public void Left_out_sections_are_the_options_classes_own_defaults_and_sft_does_not_run()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("prefs.jsonl"), "{}\n");
        File.WriteAllText(dir.File("r2m.json"), """{ "data": { "files": ["prefs.jsonl"] } }""");

        R2MConfig config = R2MConfigReader.Read(dir.File("r2m.json"));

        config.Sft.Should().BeNull();
        config.RewardModel.Should().Be(new RewardModelOptions());
        config.Aligner.Should().Be(new PolicyFeedbackOptions());
        config.Rl.Should().Be(new PolicyOptimizationOptions());
        config.Data.Loader.Should().Be(new PreferenceLoaderOptions());
    }

    [Fact]
    public void An_unknown_key_is_an_error_at_its_line_and_column_that_lists_the_known_keys()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{\n  \"data\": { \"files\": [\"prefs.jsonl\"] },\n  \"rl\": { \"steps\": 2, \"stepz\": 3 }\n}");

        (e.Line, e.Column, e.Code).Should().Be((3, 23, "R2M1003"));
        e.Message.Should().StartWith($"{dir.File("r2m.json")}(3,23): R2M1003: unknown key 'stepz' in 'rl'; known keys: algorithm, steps,");
    }

    [Fact]
    public void Code_only_members_such_as_progress_sinks_are_not_keys_of_the_file()
    {
        using var dir = new TempDir();
        var e = Fails(dir, """{ "data": { "files": ["prefs.jsonl"] }, "rl": { "progress": null } }""");

        e.Code.Should().Be("R2M1003");
        e.Reason.Should().NotContain("cancellationToken").And.NotContain("goldJudge");
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error_at_the_value()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"data\": { \"files\": [\"prefs.jsonl\"] },\n  \"sft\": { \"policySize\": \"Huge\" } }");

        (e.Line, e.Column, e.Code).Should().Be((2, 26, "R2M1004"));
        e.Reason.Should().Be("'sft.policySize' must be one of Tiny, Small, Medium; got a string");
    }

    [Fact]
    public void An_out_of_range_value_is_rejected_by_the_options_class_itself_at_the_value()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"data\": { \"files\": [\"prefs.jsonl\"] },\n\"rl\": {\n    \"steps\": 0 } }");

        (e.Line, e.Column, e.Code).Should().Be((3, 14, "R2M1005"));
        e.Reason.Should().Be("'rl.steps': PolicyOptimizationOptions.Steps must be at least 1; got 0");
    }

    [Fact]
    public void Invalid_json_is_an_error_at_the_character_where_parsing_stopped()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"data\": { \"files\": [\"prefs.jsonl\"] },\n  \"seed\": 1 2 }");

        (e.Line, e.Column, e.Code).Should().Be((2, 13, "R2M1002"));
    }

    [Fact]
    public void A_key_given_twice_is_an_error_at_the_second_that_names_the_first()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"seed\": 1,\n  \"seed\": 2 }");

        (e.Line, e.Column, e.Code).Should().Be((2, 3, "R2M1004"));
        e.Reason.Should().Be("duplicate key 'seed' (first at line 1, column 3)");
    }

    [Fact]
    public void Columns_count_characters_not_utf8_bytes()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"tokenizer\": \"ééé\", \"x\": 1 }");

        (e.Line, e.Column).Should().Be((1, 23));
    }

    [Fact]
    public void A_data_file_that_does_not_exist_is_an_error_at_its_name()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"data\": {\n  \"files\": [\"prefs.jsonl\", \"missing.jsonl\"] } }");

        (e.Line, e.Column, e.Code).Should().Be((2, 28, "R2M1006"));
        e.Reason.Should().Contain("'data.files[1]'").And.Contain("missing.jsonl");
    }

    [Fact]
    public void A_configuration_over_the_size_limit_is_refused_before_parsing()
    {
        using var dir = new TempDir();
        var e = Fails(dir, "{ \"x\": \"" + new string('a', R2MConfigReader.MaxBytes) + "\" }");

        e.Code.Should().Be("R2M1001");
        e.Line.Should().Be(0);
    }

    [Fact]
    public void Inputs_are_the_data_files_and_every_file_of_the_base_model_folders()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("prefs.jsonl"), "{}\n");
        Directory.CreateDirectory(dir.File("rm/sub"));
        File.WriteAllText(dir.File("rm/config.json"), "{}");
        File.WriteAllText(dir.File("rm/sub/x.bin"), "");
        File.WriteAllText(dir.File("r2m.json"), """{ "data": { "files": ["prefs.jsonl"] }, "rewardModel": { "checkpointPath": "rm" } }""", Encoding.UTF8);

        var inputs = R2MConfigPaths.Inputs(R2MConfigReader.Read(dir.File("r2m.json")));

        inputs.Should().BeEquivalentTo([dir.File("prefs.jsonl"), dir.File("rm/config.json"), Path.Combine(dir.File("rm/sub"), "x.bin")]);
    }
}
