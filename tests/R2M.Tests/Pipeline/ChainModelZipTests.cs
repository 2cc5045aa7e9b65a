using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

/// <summary>Saving and loading chains that mix R2M with ML.NET's own transformers: the whole chain, or a clear refusal.</summary>
public class ChainModelZipTests
{
    private static readonly string[] Prompts = ["say river stone", "say lamp cloud", "hello"];

    private sealed class ResponseRow { public string Response { get; set; } = ""; }

    private sealed class LengthRow { public float Length { get; set; } }

    private sealed class QuestionRow { public string Question { get; set; } = ""; }

    private static R2MPolicyTransformer TinyModel(TempDir dir, MLContext ml, int seed, string name = "tiny.zip")
    {
        string path = dir.File(name);
        TinyModelZip.Save(path, seed, maxNewTokens: 6);
        return ml.R2M().LoadModel(path);
    }

    [Fact]
    public void Chain_of_r2m_and_FeaturizeText_saved_and_loaded_gives_the_same_columns_and_feature_values()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 3);
        var data = PipelineFixture.Prompts(ml, Prompts);
        var featurize = ml.Transforms.Text.FeaturizeText("F", Columns.Response).Fit(r2mModel.Transform(data));
        var chain = new TransformerChain<ITransformer>(r2mModel, featurize);
        var before = chain.Transform(data);
        string path = dir.File("chain.zip");

        ml.R2M().SaveModel(chain, path);
        var fresh = new MLContext(seed: 2);
        var loaded = fresh.R2M().LoadModel(path, out var inputSchema);
        var after = loaded.Transform(PipelineFixture.Prompts(fresh, Prompts));

        inputSchema.Select(c => c.Name).Should().Equal(Columns.Prompt);
        after.Schema.Select(c => c.Name).Should().Equal(before.Schema.Select(c => c.Name));
        after.Schema.Select(c => c.Name).Should().Contain("F");
        after.GetColumn<string>(Columns.Response).Should().Equal(before.GetColumn<string>(Columns.Response));
        after.GetColumn<float>(Columns.Reward).Should().Equal(before.GetColumn<float>(Columns.Reward));
        var featuresBefore = before.GetColumn<float[]>("F").ToArray();
        var featuresAfter = after.GetColumn<float[]>("F").ToArray();
        featuresAfter.Should().HaveCount(Prompts.Length);
        for (int i = 0; i < Prompts.Length; i++) featuresAfter[i].Should().Equal(featuresBefore[i]);
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void Chain_with_a_transform_before_r2m_round_trips_with_the_input_schema_it_was_saved_with()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 4);
        var questions = ml.Data.LoadFromEnumerable(Prompts.Select(p => new QuestionRow { Question = p }));
        var copy = ml.Transforms.CopyColumns(Columns.Prompt, "Question").Fit(questions);
        var chain = new TransformerChain<ITransformer>(copy, r2mModel);
        var before = chain.Transform(questions).GetColumn<string>(Columns.Response).ToArray();
        string path = dir.File("chain.zip");

        ml.R2M().SaveModel(chain, questions.Schema, path);
        var loaded = new MLContext(seed: 2).R2M().LoadModel(path, out var inputSchema);

        inputSchema.Select(c => c.Name).Should().Equal("Question");
        loaded.Transform(questions).GetColumn<string>(Columns.Response).Should().Equal(before);
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void Single_model_LoadModel_refuses_a_saved_chain_rather_than_dropping_its_other_transformers()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 3);
        var data = PipelineFixture.Prompts(ml, Prompts);
        var featurize = ml.Transforms.Text.FeaturizeText("F", Columns.Response).Fit(r2mModel.Transform(data));
        string path = dir.File("chain.zip");
        ml.R2M().SaveModel(new TransformerChain<ITransformer>(r2mModel, featurize), path);

        Action load = () => ml.R2M().LoadModel(path);

        load.Should().Throw<InvalidOperationException>().WithMessage("*holds a chain of 2 transformers*LoadModel(path, out DataViewSchema inputSchema)*");
    }

    [Fact]
    public void Chain_holding_an_unsaveable_transformer_is_refused_with_its_position_and_type_and_nothing_is_written()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 3);
        var scored = r2mModel.Transform(PipelineFixture.Prompts(ml, Prompts));
        var unsaveable = ml.Transforms.CustomMapping<ResponseRow, LengthRow>((i, o) => o.Length = i.Response.Length, contractName: null).Fit(scored);
        string path = dir.File("chain.zip");

        Action save = () => ml.R2M().SaveModel(new TransformerChain<ITransformer>(r2mModel, unsaveable), path);

        save.Should().Throw<InvalidOperationException>().WithMessage("SaveModel cannot save transformer 1 of the chain (CustomMappingTransformer)*Nothing was written*");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void Chain_holding_two_different_r2m_models_is_refused_because_a_zip_holds_one()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var first = TinyModel(dir, ml, seed: 3, "a.zip");
        using var second = TinyModel(dir, ml, seed: 4, "b.zip");
        string path = dir.File("chain.zip");

        Action save = () => ml.R2M().SaveModel(new TransformerChain<ITransformer>(first, second), path);

        save.Should().Throw<InvalidOperationException>().WithMessage("*transformer 0 (Ppo) and transformer 1 (Ppo) are two different R2M models*");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void Chain_starting_with_another_transformer_is_refused_without_the_schema_of_the_data_it_reads()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 4);
        var questions = ml.Data.LoadFromEnumerable(Prompts.Select(p => new QuestionRow { Question = p }));
        var copy = ml.Transforms.CopyColumns(Columns.Prompt, "Question").Fit(questions);
        string path = dir.File("chain.zip");

        Action save = () => ml.R2M().SaveModel(new TransformerChain<ITransformer>(copy, r2mModel), path);

        save.Should().Throw<ArgumentException>().WithMessage("The chain starts with ColumnCopyingTransformer*SaveModel(model, data.Schema, path)*");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void Chain_with_a_transformer_between_r2m_stages_is_refused_naming_it()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 3);
        var featurize = ml.Transforms.Text.FeaturizeText("F", Columns.Response).Fit(r2mModel.Transform(PipelineFixture.Prompts(ml, Prompts)));
        string path = dir.File("chain.zip");

        Action save = () => ml.R2M().SaveModel(new TransformerChain<ITransformer>(r2mModel, featurize, r2mModel), path);

        save.Should().Throw<InvalidOperationException>().WithMessage("SaveModel cannot save this chain: transformer 1 (*) stands between R2M stages*");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public void Bare_mlnet_load_of_a_saved_chain_fails_on_first_use_naming_LoadModel()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        using var r2mModel = TinyModel(dir, ml, seed: 3);
        var data = PipelineFixture.Prompts(ml, Prompts);
        var featurize = ml.Transforms.Text.FeaturizeText("F", Columns.Response).Fit(r2mModel.Transform(data));
        string path = dir.File("chain.zip");
        ml.R2M().SaveModel(new TransformerChain<ITransformer>(r2mModel, featurize), path);

        var bare = ml.Model.Load(path, out _);
        Action use = () => bare.Transform(data).Preview();

        use.Should().Throw<Exception>().Where(e => Messages(e).Contains("LoadModel(path, out inputSchema)"));
    }

    private static string Messages(Exception e) => e.Message + (e.InnerException is null ? "" : " / " + Messages(e.InnerException));
}
